//! File downloads. CSV exports are streamed: the export runs on a blocking thread and its
//! bytes flow to the client through a small channel, so a million-row
//! export holds a few chunks in memory, never the file. A client that goes
//! away stops the export at its next write.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Chunks in flight between the export and the client.
const CHUNKS_IN_FLIGHT: usize = 4;

/// A `text/csv` attachment named `filename`, produced by `work`.
pub(crate) fn csv_response(
    filename: &str,
    work: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'static,
) -> Response {
    file_response("text/csv; charset=utf-8", filename, work)
}

/// An attachment of `content_type` named `filename`, produced by `work`.
pub(crate) fn file_response(
    content_type: &str,
    filename: &str,
    work: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'static,
) -> Response {
    let (sender, mut receiver) =
        tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut writer = ChannelWriter(sender.clone());
        if let Err(error) = work(&mut writer) {
            tracing::warn!(%error, "export stopped");
            // The client sees a cut response rather than a file that looks
            // complete.
            let _ = sender.blocking_send(Err(error));
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// A rendered PDF as an attachment.
pub(crate) fn pdf_response(document: prelevo_app::documents::Document) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", document.file_name),
            ),
        ],
        document.bytes,
    )
        .into_response()
}

/// An application error as the I/O error that stops an export.
pub(crate) fn stopped(error: prelevo_app::AppError) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

/// Sends what the export writes into the response body, chunk by chunk.
struct ChannelWriter(tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
