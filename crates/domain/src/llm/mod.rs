//! Reading what a model answered: JSON extraction and repair (`extract`).
