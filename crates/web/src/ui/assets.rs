//! Static files compiled into the binary and served at
//! `/static/<stem>.<hash>.<ext>`. The hash (first 12 hex digits of the
//! SHA-256 of the bytes, computed once at first use) changes whenever the
//! file does, so browsers may cache each URL for a year without ever
//! running stale code or styles.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// A file shipped in `static/`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: [Asset; 2] = [
    Asset {
        name: "prelevo.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/prelevo.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/htmx.min.js"),
    },
];

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Each file's public URL, in the order of [`FILES`].
static URLS: LazyLock<Vec<String>> = LazyLock::new(|| FILES.iter().map(hashed_url).collect());

fn hashed_url(asset: &Asset) -> String {
    let digest = hex::encode(Sha256::digest(asset.bytes));
    let short = digest.get(..12).unwrap_or(&digest);
    match asset.name.split_once('.') {
        Some((stem, ext)) => format!("/static/{stem}.{short}.{ext}"),
        None => format!("/static/{}.{short}", asset.name),
    }
}

/// The cache-busting URL of the file `name`, if it is shipped.
pub(crate) fn url(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .zip(URLS.iter())
        .find(|(asset, _)| asset.name == name)
        .map(|(_, url)| url.as_str())
}

/// `GET /static/{file}`: the file if `file` is a current hashed name.
pub(crate) async fn serve(Path(file): Path<String>) -> Response {
    let requested = format!("/static/{file}");
    let Some((asset, _)) = FILES
        .iter()
        .zip(URLS.iter())
        .find(|(_, url)| **url == requested)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        ],
        asset.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_a_content_hash() {
        let css = url("prelevo.css").unwrap();
        let hash = css
            .strip_prefix("/static/prelevo.")
            .and_then(|rest| rest.strip_suffix(".css"))
            .unwrap();
        assert_eq!(hash.len(), 12);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(url("htmx.min.js").unwrap().ends_with(".min.js"));
        assert_ne!(url("htmx.min.js"), url("prelevo.css"));
        assert_eq!(url("missing.css"), None);
    }

    #[tokio::test]
    async fn serves_current_names_only_with_long_caching() {
        let name = url("prelevo.css").unwrap().trim_start_matches("/static/");
        let response = serve(Path(name.to_owned())).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        let stale = serve(Path("prelevo.000000000000.css".to_owned())).await;
        assert_eq!(stale.status(), StatusCode::NOT_FOUND);
        let plain = serve(Path("prelevo.css".to_owned())).await;
        assert_eq!(plain.status(), StatusCode::NOT_FOUND);
    }
}
