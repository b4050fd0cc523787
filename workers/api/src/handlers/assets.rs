use domain::AppError;
use edge::OrInternal;
use worker::{Env, Method, Request, Response};

/// The TrueType pair PDFs are set in when their text needs more than the standard fonts
/// (copied from the `dejavu-fonts-ttf` npm package into the static assets by the UI build).
const PDF_FONT_REGULAR: &str = "/fonts/DejaVuSans.ttf";
const PDF_FONT_BOLD: &str = "/fonts/DejaVuSans-Bold.ttf";

/// The web UI: static files from the assets binding (unknown paths get the app shell).
pub async fn serve(req: Request, env: &Env, request_id: &str) -> Result<Response, AppError> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return Err(AppError::method_not_allowed(&["GET", "HEAD"]));
    }
    let immutable = domain::platform::http::is_content_hashed_asset(&req.path());
    let assets = env.assets("ASSETS").or_internal("assets.binding")?;
    let response = match assets.fetch_request(req).await {
        Ok(response) if response.status_code() < 500 => response,
        Ok(response) => return updating(request_id, &format!("the assets binding answered {}", response.status_code())),
        Err(error) => return updating(request_id, &error.to_string()),
    };
    if !immutable || response.status_code() != 200 {
        return Ok(response);
    }
    // A content-hashed file never changes under its name: cached for a year, never revalidated.
    // (A fetched response's headers are immutable, so they are copied.)
    let headers = worker::Headers::new();
    for (name, value) in response.headers().entries() {
        let _ = headers.append(&name, &value);
    }
    let _ = headers.set("cache-control", "public, max-age=31536000, immutable");
    Ok(response.with_headers(headers))
}

/// What a visitor gets while the assets cannot be served (locally: while a UI build swaps files
/// under a running `wrangler dev`): a page that says so and reloads itself, never a bare 500.
fn updating(request_id: &str, cause: &str) -> Result<Response, AppError> {
    const PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">\
<title>Updating</title></head><body><main><h1>Blueprint Studio is updating</h1><p>This page reloads in a moment.</p></main></body></html>";
    edge::context::log_event(request_id, "warn", "assets.unavailable", &serde_json::json!({ "cause": cause }));
    let headers = worker::Headers::new();
    let _ = headers.set("content-type", "text/html; charset=utf-8");
    let _ = headers.set("cache-control", "no-store");
    let _ = headers.set("retry-after", "2");
    Ok(Response::ok(PAGE).or_internal("assets.updating")?.with_status(503).with_headers(headers))
}

/// The regular and bold PDF fonts. Missing, they are a 503: a PDF is built once per version and
/// kept, so one with `?` for every missing letter must not be stored in its place.
pub async fn pdf_fonts(env: &Env) -> Result<(Vec<u8>, Vec<u8>), AppError> {
    let assets = env.assets("ASSETS").or_internal("assets.binding")?;
    Ok((read(&assets, PDF_FONT_REGULAR).await?, read(&assets, PDF_FONT_BOLD).await?))
}

async fn read(assets: &worker::Fetcher, path: &str) -> Result<Vec<u8>, AppError> {
    let unavailable = |cause: String| AppError::unavailable("The PDF fonts are unavailable; try again shortly").caused_by("assets.pdf_fonts", cause);
    let mut response = assets.fetch(format!("https://assets.internal{path}"), None).await.map_err(|e| unavailable(e.to_string()))?;
    if response.status_code() != 200 {
        return Err(unavailable(format!("{path} answered {}", response.status_code())));
    }
    response.bytes().await.map_err(|e| unavailable(e.to_string()))
}
