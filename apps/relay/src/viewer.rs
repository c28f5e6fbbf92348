//! The browser viewer (`apps/viewer`), compiled into the relay so that a
//! link's page and its scripts come from the same origin as the capsule,
//! under the relay's strict CSP, with nothing fetched from anywhere else.
//! The files are served exactly as they are in the repository: the page
//! pins each script and the stylesheet by its SHA-384 (Subresource
//! Integrity; `apps/viewer/integrity.mjs`), so what runs next to the key
//! is what was reviewed. Serving a page never counts as opening a share:
//! only the viewer's `POST /api/shares/ID/open`, made after the reader
//! presses "Open", carries the access token.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The page a link opens (`/s/ID`).
const PAGE: &str = include_str!("../../viewer/index.html");

/// The page that opens an offline crisis card (`/card`, the card in the
/// fragment or pasted): it makes no request at all.
const CARD_PAGE: &str = include_str!("../../viewer/card.html");

/// The viewer's other files, by the name they are served under
/// (`/viewer/NAME`): content and media type.
const FILES: &[(&str, &str, &str)] = &[
    (
        "style.css",
        include_str!("../../viewer/style.css"),
        "text/css; charset=utf-8",
    ),
    ("crypto.js", include_str!("../../viewer/js/crypto.js"), JS),
    ("schema.js", include_str!("../../viewer/js/schema.js"), JS),
    ("capsule.js", include_str!("../../viewer/js/capsule.js"), JS),
    ("card.js", include_str!("../../viewer/js/card.js"), JS),
    (
        "card-page.js",
        include_str!("../../viewer/js/card-page.js"),
        JS,
    ),
    ("render.js", include_str!("../../viewer/js/render.js"), JS),
    ("reply.js", include_str!("../../viewer/js/reply.js"), JS),
    ("carer.js", include_str!("../../viewer/js/carer.js"), JS),
    ("main.js", include_str!("../../viewer/js/main.js"), JS),
];

const JS: &str = "text/javascript; charset=utf-8";

/// A page load of a link: never counts as a read.
pub async fn page(Path(_id): Path<String>) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response()
}

/// The crisis card page.
pub async fn card_page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        CARD_PAGE,
    )
        .into_response()
}

/// Browsers ask for an icon on every page: nothing, rather than a 404.
pub async fn favicon() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// One of the viewer's scripts or its stylesheet.
pub async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, body, kind)) => ([(header::CONTENT_TYPE, *kind)], *body).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
