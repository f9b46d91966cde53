//! The served OpenAPI document is complete enough for generated clients
//! and API fuzzers, and stays so as endpoints are added: every `{…}` of a
//! path is a declared path parameter, and every operation declares the
//! answers its shape implies (401, 400, 404, 413, 422, 409, 500) with the
//! error body. A second test asks the server itself: the answers it gives
//! to a request without a token, to a path parameter that is not a number
//! and to an id that does not exist are the declared ones.

use crate::helpers::{body, spawn_app, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async fn document(app: &TestApp) -> Value {
    let res = app.client.get(format!("{}/api/v1/openapi.json", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    res.json().await.unwrap()
}

/// Every operation of the document: (method, path, operation).
fn operations(doc: &Value) -> Vec<(&'static str, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method, path.clone(), op));
            }
        }
    }
    out
}

/// The names between braces in a path template.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

/// Follows a `$ref` within the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("dangling {r}"))),
        None => schema,
    }
}

/// Whether an object schema requires `field`, through `allOf` too.
fn requires(doc: &Value, schema: &Value, field: &str) -> bool {
    let schema = resolve(doc, schema);
    let direct = schema["required"].as_array().is_some_and(|r| r.iter().any(|f| f == field));
    let parts = schema["allOf"].as_array().into_iter().flatten();
    direct || parts.into_iter().any(|part| requires(doc, part, field))
}

fn params_in<'a>(op: &'a Value, location: &str) -> Vec<&'a Value> {
    op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == location).collect()
}

#[tokio::test]
async fn every_operation_declares_its_path_parameters_and_the_answers_its_shape_implies() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let ops = operations(&doc);
    assert!(ops.len() >= 71, "only {} operations", ops.len());
    let mut problems = Vec::new();
    for (method, path, op) in &ops {
        let at = format!("{} {path}", method.to_uppercase());
        let mut problem = |p: String| problems.push(format!("{at}: {p}"));
        // Path parameters: exactly the placeholders, required, typed.
        let path_params = params_in(op, "path");
        let slots = placeholders(path);
        for slot in &slots {
            match path_params.iter().find(|p| p["name"] == *slot) {
                None => problem(format!("no path parameter `{slot}` declared")),
                Some(p) => {
                    if p["required"] != true {
                        problem(format!("path parameter `{slot}` is not required"));
                    }
                    let schema = resolve(&doc, &p["schema"]);
                    let typed = if slot.ends_with("id") {
                        schema["type"] == "integer" && schema["format"] == "int64"
                    } else {
                        schema["type"] == "string" && schema.get("format").is_some()
                    };
                    if !typed {
                        problem(format!("path parameter `{slot}` has the schema {schema}"));
                    }
                }
            }
        }
        for p in &path_params {
            if !slots.iter().any(|s| p["name"] == *s) {
                problem(format!("path parameter {} is not in the path", p["name"]));
            }
        }
        // Answers.
        let responses = op["responses"].as_object().expect("responses");
        let mut need = |status: &str, why: &str| {
            if !responses.contains_key(status) {
                problem(format!("no {status} answer ({why})"));
            }
        };
        need("401", "every operation needs a token");
        need("500", "any operation can fail inside");
        need("422", "a control character in the query string or body is refused before the operation");
        if !slots.is_empty() {
            need("404", "it takes an id");
            need("400", "a path parameter can be unreadable");
        }
        if !params_in(op, "query").is_empty() {
            need("400", "a query parameter can be unreadable");
        }
        if let Some(request_body) = op.get("requestBody") {
            need("400", "a body can be unreadable");
            need("413", "a body can be too large");
            if let Some(schema) = request_body.pointer("/content/application~1json/schema") {
                if requires(&doc, schema, "version") {
                    need("409", "it checks the version sent");
                }
            }
        }
        if !responses.keys().any(|s| s.starts_with('2')) {
            problems.push(format!("{at}: no success answer"));
        }
        for (status, answer) in responses {
            let content = answer.get("content");
            if status.starts_with('4') || status.starts_with('5') {
                let schema = answer.pointer("/content/application~1json/schema/$ref");
                if schema != Some(&Value::from("#/components/schemas/ErrorBody")) {
                    problems.push(format!("{at}: the {status} answer is not the JSON error body"));
                }
            } else if status == "204" && content.is_some() {
                problems.push(format!("{at}: 204 declares a body"));
            } else if status != "204" && content.is_none() {
                problems.push(format!("{at}: {status} declares no body"));
            }
        }
    }
    assert!(problems.is_empty(), "the OpenAPI document is incomplete:\n{}", problems.join("\n"));
}

#[tokio::test]
async fn every_schema_reference_resolves_and_operation_ids_are_unique() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        assert!(doc.pointer(r.trim_start_matches('#')).is_some(), "dangling reference {r}");
    }
    let mut ids: Vec<&str> = operations(&doc).iter().map(|(_, _, op)| op["operationId"].as_str().unwrap()).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids repeat");
}

/// A path with each placeholder filled: `bad` gets "x", the others a value
/// of their declared type.
fn fill(path: &str, op: &Value, bad: Option<&str>, id: &str) -> String {
    let mut out = path.to_string();
    for p in params_in(op, "path") {
        let name = p["name"].as_str().unwrap();
        let value = if Some(name) == bad {
            "x"
        } else if p["schema"]["format"] == "date" {
            "2021-06-07"
        } else {
            id
        };
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The required query parameters, with a value each.
fn query(op: &Value) -> Vec<(String, String)> {
    params_in(op, "query")
        .into_iter()
        .filter(|p| p["required"] == true)
        .map(|p| (p["name"].as_str().unwrap().to_string(), "a".to_string()))
        .collect()
}

/// Sends one request and checks its answer is declared, with the JSON
/// error body when it is an error. Returns the status and body.
async fn probe(app: &TestApp, method: &str, path: &str, op: &Value, token: Option<&str>) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let mut req = app.client.request(method.clone(), format!("{}/api/v1{path}", app.addr)).query(&query(op));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let (status, value) = body(req.send().await.unwrap()).await;
    let declared = op["responses"].as_object().unwrap();
    assert!(declared.contains_key(status.as_str()), "{method} {path} answered {status}, not declared: {value}");
    if status.is_client_error() || status.is_server_error() {
        assert!(value["code"].is_string() && value["message"].is_string(), "{method} {path}: {value}");
    }
    (status, value)
}

#[tokio::test]
async fn the_server_gives_the_declared_answers_to_no_token_bad_ids_and_unknown_ids() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (method, path, op) in operations(&doc) {
        let at = format!("{} {path}", method.to_uppercase());
        let (status, _) = probe(&app, method, &fill(&path, op, None, "1"), op, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{at} without a token");
        for p in params_in(op, "path") {
            let name = p["name"].as_str().unwrap();
            let (status, value) = probe(&app, method, &fill(&path, op, Some(name), "1"), op, Some(&app.admin)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{at} with {name} = x: {value}");
            assert_eq!(value["field"], name, "{at}: {value}");
        }
        // Without a body the handler looks the id up: nothing has it.
        if !params_in(op, "path").is_empty() && op.get("requestBody").is_none() {
            let (status, value) = probe(&app, method, &fill(&path, op, None, "987654321"), op, Some(&app.admin)).await;
            assert!(matches!(status.as_u16(), 403 | 404), "{at} with an unknown id: {status} {value}");
        }
    }
}
