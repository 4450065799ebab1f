//! A page that says one thing (forbidden, link expired, sent).

use askama::Template;
use askama_web::WebTemplate;

use crate::ui::Layout;

/// A message with the page frame.
#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    layout: Layout,
    key: String,
    detail: Option<String>,
    link: Option<(String, String)>,
}

impl MessagePage {
    /// The message `key`.
    pub fn new(layout: Layout, key: &str) -> Self {
        Self {
            layout,
            key: key.to_owned(),
            detail: None,
            link: None,
        }
    }

    /// Adds the particular reason, e.g. why a change was refused.
    pub fn with_detail(mut self, detail: String) -> Self {
        self.detail = Some(detail);
        self
    }

    /// Adds a link to `href` labelled by message `label_key`.
    pub fn with_link(mut self, href: &str, label_key: &str) -> Self {
        let label = self.layout.t(label_key);
        self.link = Some((href.to_owned(), label));
        self
    }
}
