//! Background work: the scheduled jobs (`schedule`: which run on which cron expression, their
//! slots and the job lock's lease) and the messages on the regeneration queue (`messages`).

pub mod messages;
pub mod schedule;
