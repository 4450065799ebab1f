//! A readable API reference, rendered from the OpenAPI document that the
//! code generates (so it can never drift from the API).

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::Member;
use crate::ui::{Layout, Section};

/// One operation of the API.
struct Operation {
    method: String,
    path: String,
    summary: String,
    parameters: Vec<(String, String)>,
    body: Option<String>,
    responses: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "api_reference.html")]
struct ApiReferencePage {
    layout: Layout,
    operations: Vec<Operation>,
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The operations of an OpenAPI document, by path then method.
fn operations(document: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let summary = [text(op, "summary"), text(op, "description")]
                .into_iter()
                .find(|t| !t.is_empty())
                .unwrap_or_default();
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| (text(p, "name"), text(p, "description")))
                        .collect()
                })
                .unwrap_or_default();
            let body = op
                .pointer("/requestBody/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned());
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(code, r)| (code.clone(), text(r, "description")))
                        .collect()
                })
                .unwrap_or_default();
            found.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary,
                parameters,
                body,
                responses,
            });
        }
    }
    found
}

pub(crate) async fn page(member: Member) -> Response {
    let document: Value = serde_json::from_str(crate::api::document()).unwrap_or(Value::Null);
    ApiReferencePage {
        layout: member.layout(Section::ApiKeys).titled("api-reference"),
        operations: operations(&document),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_operation_is_listed() {
        let document: Value = serde_json::from_str(crate::api::document()).unwrap();
        let listed: Vec<String> = operations(&document)
            .iter()
            .map(|o| format!("{} {}", o.method, o.path))
            .collect();
        assert_eq!(
            listed,
            [
                "GET /v1/audit-events",
                "GET /v1/bank-files",
                "GET /v1/bank-files/{id}",
                "GET /v1/bank-files/{id}/content",
                "POST /v1/bank-files/{id}/discard",
                "POST /v1/bank-files/{id}/send",
                "GET /v1/card-aliases",
                "POST /v1/card-aliases",
                "GET /v1/card-aliases/{id}",
                "DELETE /v1/card-aliases/{id}",
                "GET /v1/creditor",
                "GET /v1/creditor/bank-profile",
                "PATCH /v1/creditor/bank-profile",
                "GET /v1/creditor/mandate-settings",
                "PATCH /v1/creditor/mandate-settings",
                "GET /v1/creditor/settings",
                "PATCH /v1/creditor/settings",
                "GET /v1/customers",
                "POST /v1/customers",
                "GET /v1/customers/export",
                "GET /v1/customers/{id}",
                "PATCH /v1/customers/{id}",
                "POST /v1/customers/{id}/payment-method",
                "POST /v1/customers/{id}/reactivate",
                "POST /v1/customers/{id}/strike-off",
                "POST /v1/customers/{id}/suspend",
                "GET /v1/mandates",
                "POST /v1/mandates",
                "GET /v1/mandates/export",
                "POST /v1/mandates/import",
                "GET /v1/mandates/{id}",
                "POST /v1/mandates/{id}/bank-details",
                "GET /v1/mandates/{id}/pdf",
                "POST /v1/mandates/{id}/reference",
                "POST /v1/mandates/{id}/revoke",
                "GET /v1/payments",
                "POST /v1/payments",
                "GET /v1/payments/export",
                "GET /v1/payments/{id}",
                "PATCH /v1/payments/{id}",
                "POST /v1/payments/{id}/cancel",
                "GET /v1/plans",
                "POST /v1/plans",
                "POST /v1/plans/import",
                "GET /v1/plans/{id}",
                "PUT /v1/plans/{id}",
                "POST /v1/plans/{id}/stop",
            ]
        );
        let operations = operations(&document);
        let patch = operations
            .iter()
            .find(|o| o.method == "PATCH" && o.path == "/v1/creditor/settings")
            .unwrap();
        assert_eq!(patch.body.as_deref(), Some("SettingsPatchBody"));
        assert!(patch.responses.iter().any(|(code, _)| code == "422"));
    }
}
