use domain::AppError;
use worker::Request;

/// Reads a request body of at most `limit` bytes (413 beyond it). `Content-Length` is checked
/// first so an oversized upload is refused before it is read.
pub async fn read_limited(req: &mut Request, limit: usize) -> Result<Vec<u8>, AppError> {
    if let Ok(Some(length)) = req.headers().get("content-length") {
        match length.trim().parse::<usize>() {
            Ok(length) if length > limit => return Err(AppError::payload_too_large(limit)),
            Ok(_) => {}
            Err(_) => return Err(AppError::bad_request("Invalid Content-Length header")),
        }
    }
    let bytes = req.bytes().await.map_err(|_| AppError::bad_request("Could not read the request body"))?;
    if bytes.len() > limit {
        return Err(AppError::payload_too_large(limit));
    }
    Ok(bytes)
}
