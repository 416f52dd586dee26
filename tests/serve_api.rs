//! `mesonero serve` as swapi's clients expect it: the root listing the
//! resources, lists of people and planets, swapi's errors as JSON, CORS
//! headers and preflights for browsers, gzip when asked, `--people N`, and
//! a fixture's films linked from its people.

mod common;

use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{Client, Response};
use reqwest::header;
use serde_json::{json, Value};

use common::serving::{connect, get, Serving};

fn client() -> Client {
    // reqwest is built without a default TLS provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn json_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().expect("a JSON body"))
}

fn get_json(url: &str) -> (u16, Value) {
    json_of(client().get(url).send().expect("an answer"))
}

fn serve(args: &[&str]) -> Serving {
    Serving::start(&common::with(&["--log", "off"], args))
}

#[test]
fn the_root_lists_every_resource_as_swapi_does() {
    let server = serve(&[]);
    let (status, root) = get_json(&format!("{}/api/", server.base));
    assert_eq!(status, 200);
    let names = [
        "people",
        "planets",
        "films",
        "species",
        "vehicles",
        "starships",
    ];
    let expected: serde_json::Map<String, Value> = names
        .iter()
        .map(|n| (n.to_string(), json!(format!("{}/api/{n}/", server.base))))
        .collect();
    assert_eq!(root, Value::Object(expected));
    // Every list the root names answers, in swapi's shape.
    for url in root.as_object().unwrap().values() {
        let (status, list) = get_json(url.as_str().unwrap());
        assert_eq!(status, 200, "{url}");
        for key in ["count", "next", "previous", "results"] {
            assert!(list.get(key).is_some(), "{url} lacks {key}");
        }
    }
    server.stop_with("INT");
}

/// Follows `next` from `url`, collecting every result.
fn crawl(url: &str) -> (u64, Vec<Value>) {
    let (status, mut page) = get_json(url);
    assert_eq!(status, 200, "{url}");
    let count = page["count"].as_u64().expect("a count");
    let mut results = Vec::new();
    loop {
        results.extend(page["results"].as_array().expect("results").iter().cloned());
        let Some(next) = page["next"].as_str().map(str::to_string) else {
            break;
        };
        assert!(results.len() < 1_000, "the list never ends");
        page = get_json(&next).1;
    }
    (count, results)
}

#[test]
fn the_default_people_are_swapis_size_and_their_homes_are_listed() {
    let server = serve(&[]);
    let (count, people) = crawl(&format!("{}/api/people/", server.base));
    assert!((80..=90).contains(&count), "{count} people");
    assert_eq!(people.len() as u64, count);
    assert_eq!(people[0]["name"], "Luke Skywalker");
    let (planet_count, planets) = crawl(&format!("{}/api/planets/", server.base));
    assert_eq!(planets.len() as u64, planet_count);
    let homes: Vec<&str> = planets.iter().map(|p| p["url"].as_str().unwrap()).collect();
    for person in &people {
        for field in ["films", "species", "vehicles", "starships"] {
            assert_eq!(person[field], json!([]), "{field} of {person}");
        }
        let home = person["homeworld"].as_str().unwrap();
        assert!(homes.contains(&home), "{home} is not in /api/planets/");
        let planet = planets.iter().find(|p| p["url"] == home).unwrap();
        let residents = planet["residents"].as_array().unwrap();
        assert!(residents.contains(&person["url"]), "{planet}");
    }
    server.stop_with("INT");
}

#[test]
fn errors_are_swapis_json() {
    let server = serve(&[]);
    let base = &server.base;
    for (path, detail) in [
        ("/api/people/?page=0", "Invalid page."),
        ("/api/people/?page=x", "Invalid page."),
        ("/api/people/?page=10", "Invalid page."),
        ("/api/planets/?page=2", "Invalid page."),
        ("/api/people/83/", "Not found"),
        ("/nowhere", "Not found"),
    ] {
        let (status, body) = get_json(&format!("{base}{path}"));
        assert_eq!((status, body), (404, json!({ "detail": detail })), "{path}");
    }
    for (method, path) in [
        (reqwest::Method::POST, "/api/people/1/"),
        (reqwest::Method::DELETE, "/api/"),
        (reqwest::Method::PUT, "/healthz"),
    ] {
        let response = client()
            .request(method.clone(), format!("{base}{path}"))
            .send()
            .unwrap();
        let (status, body) = json_of(response);
        let detail = format!("Method \"{method}\" not allowed.");
        assert_eq!((status, body), (405, json!({ "detail": detail })), "{path}");
    }
    server.stop_with("INT");
}

#[test]
fn any_origin_may_read_and_preflights_are_answered() {
    let server = serve(&["--delay", "0"]);
    let url = format!("{}/api/people/1/", server.base);
    // A browser's request names its origin.
    let response = client()
        .get(&url)
        .header(header::ORIGIN, "http://teacher.example")
        .send()
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    // A plain request, as curl sends it, gets the header too.
    let mut stream = connect(&server.addr).unwrap();
    std::io::Write::write_all(
        &mut stream,
        b"GET /api/people/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let head = answer
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        head.contains("\r\naccess-control-allow-origin: *\r\n"),
        "{head}"
    );
    // The preflight of a request with a header of the page's own.
    let preflight = client()
        .request(reqwest::Method::OPTIONS, &url)
        .header(header::ORIGIN, "http://teacher.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-lesson")
        .send()
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 200);
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("GET"), "{methods}");
    assert_eq!(headers["access-control-allow-headers"], "*");
    server.stop_with("INT");
}

#[test]
fn answers_are_gzipped_only_when_asked() {
    let server = serve(&[]);
    let url = format!("{}/api/people/", server.base);
    let asked = client()
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .unwrap();
    assert_eq!(asked.headers()[header::CONTENT_ENCODING], "gzip");
    let compressed = asked.bytes().unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut text)
        .expect("gzip");
    let page: Value = serde_json::from_str(&text).unwrap();
    assert!(
        compressed.len() < text.len(),
        "{} >= {}",
        compressed.len(),
        text.len()
    );
    // Not asked: plain JSON, the same page.
    let plain = client().get(&url).send().unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.json::<Value>().unwrap(), page);
    // Nor for a plain request that names no coding, as curl sends it.
    let mut stream = connect(&server.addr).unwrap();
    let (status, body) = get(&mut stream, "/api/people/1/", true);
    assert_eq!(status, 200);
    assert!(body.contains("Luke Skywalker"), "{body}");
    server.stop_with("INT");
}

#[test]
fn people_n_serves_that_many_for_load_tests() {
    let server = serve(&["--people", "250"]);
    assert!(
        server.start_line.starts_with("serving 250 people"),
        "{}",
        server.start_line
    );
    let base = &server.base;
    let (_, list) = get_json(&format!("{base}/api/people/"));
    assert_eq!(list["count"], 250);
    let (status, last) = get_json(&format!("{base}/api/people/250/"));
    assert_eq!(status, 200);
    let (status, home) = get_json(last["homeworld"].as_str().unwrap());
    assert_eq!(status, 200, "{home}");
    assert_eq!(get_json(&format!("{base}/api/people/251/")).0, 404);
    let (status, _) = get_json(&format!("{base}/api/people/?page=25"));
    assert_eq!(status, 200);
    server.stop_with("INT");
}

#[test]
fn a_fixtures_films_species_and_ships_fill_its_people() {
    let Some(people) = common::fixture(common::shared("data/swapi/people.json")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let films = dir.path().join("films.json");
    std::fs::write(
        &films,
        r#"[{"model": "resources.film", "pk": 1, "fields": {"title": "A New Hope",
            "episode_id": 4, "characters": [1, 2], "planets": [], "starships": [],
            "vehicles": [], "species": []}},
           {"model": "resources.vehicle", "pk": 14, "fields": {"pilots": [1],
            "vehicle_class": "airspeeder"}},
           {"model": "resources.transport", "pk": 14, "fields": {"name": "Snowspeeder"}}]"#,
    )
    .unwrap();
    let server = serve(&[
        "--data",
        people.to_str().unwrap(),
        "--data",
        films.to_str().unwrap(),
    ]);
    let base = &server.base;
    let (_, luke) = get_json(&format!("{base}/api/people/1/"));
    assert_eq!(luke["films"], json!([format!("{base}/api/films/1/")]));
    assert_eq!(
        luke["vehicles"],
        json!([format!("{base}/api/vehicles/14/")])
    );
    assert_eq!(
        (luke["species"].clone(), luke["starships"].clone()),
        (json!([]), json!([]))
    );
    let (status, film) = get_json(&format!("{base}/api/films/1/"));
    assert_eq!(status, 200);
    assert_eq!(film["title"], "A New Hope");
    assert_eq!(film["characters"][0], luke["url"]);
    let (_, speeder) = get_json(&format!("{base}/api/vehicles/?search=snow"));
    assert_eq!(speeder["count"], 1);
    assert_eq!(speeder["results"][0]["pilots"], json!([luke["url"]]));
    server.stop_with("INT");
}
