use domain::AppError;
use edge::OrInternal;
use worker::{Env, Method, Request, Response};

/// The web UI: static files from the assets binding (unknown paths get the app shell).
pub async fn serve(req: Request, env: &Env) -> Result<Response, AppError> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return Err(AppError::method_not_allowed(&["GET", "HEAD"]));
    }
    let assets = env.assets("ASSETS").or_internal("assets.binding")?;
    assets.fetch_request(req).await.or_internal("assets.fetch")
}
