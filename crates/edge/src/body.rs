//! Request bodies, read with a limit that holds whatever the client declares.

use domain::AppError;
use futures_util::StreamExt;
use worker::Request;

/// Reads a request body of at most `limit` bytes (413 beyond it). `Content-Length` is checked
/// first so an oversized upload is refused before it is read; a body without one (chunked) is
/// read chunk by chunk and refused as soon as it passes the limit, so it never occupies more
/// than the limit plus one chunk of the isolate's memory.
pub async fn read_limited(req: &mut Request, limit: usize) -> Result<Vec<u8>, AppError> {
    if let Ok(Some(length)) = req.headers().get("content-length") {
        match length.trim().parse::<usize>() {
            Ok(length) if length > limit => return Err(AppError::payload_too_large(limit)),
            Ok(_) => {}
            Err(_) => return Err(AppError::bad_request("Invalid Content-Length header")),
        }
    }
    let unreadable = || AppError::bad_request("Could not read the request body");
    // workers-rs has no stream for a request without a body: that body is empty.
    let Ok(mut chunks) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| unreadable())?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::payload_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
