//! `mesonero fetch` against APIs whose people are not swapi's: the
//! article's client reads only `person["name"]`, and so must this one.
//! A person with a name and nothing else, an integer `height`, or fields
//! swapi never had is fetched, and `--output` writes it as received; a
//! person without a string name fails, and every failure names the URL
//! it asked. `--api` may be the API's root or its people's address.

mod common;
mod fetch_support;

use common::{assert_bad_input, outcome, run};
use fetch_support::{Config, Shape, TestApi};
use serde_json::Value;

/// Runs `fetch --api API --output FILE` with `extra`; returns the exit
/// code, stdout, stderr and the file's lines.
fn fetch(api: &str, extra: &[&str]) -> (Option<i32>, String, String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.jsonl");
    let mut args = vec!["fetch", "--api", api, "--output", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = outcome(&args);
    let written = std::fs::read_to_string(&file).unwrap();
    (
        code,
        stdout,
        stderr,
        written.lines().map(String::from).collect(),
    )
}

/// The id of a JSON line.
fn id_of(line: &str) -> u64 {
    let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    value["id"].as_u64().unwrap()
}

#[test]
fn people_of_any_shape_with_a_name_are_fetched_and_written_as_received() {
    for shape in [Shape::NameAndUrl, Shape::IntegerHeight, Shape::ExtraFields] {
        let api = TestApi::start(Config {
            shape,
            ..Config::default()
        });
        let port = api.addr.port();
        // The people's address, as a user may well copy it, for one shape.
        let given = match shape {
            Shape::NameAndUrl => format!("{}people/", api.api),
            _ => api.api.clone(),
        };
        let (code, stdout, stderr, written) = fetch(&given, &[]);
        assert_eq!(code, Some(0), "{shape:?}: {stdout}{stderr}");
        assert!(
            stdout.contains("async: 9 of 9 fetched, 0 failed"),
            "{shape:?}: {stdout}"
        );
        let mut ids: Vec<u64> = written.iter().map(|l| id_of(l)).collect();
        ids.sort_unstable();
        assert_eq!(ids, (1..=9).collect::<Vec<u64>>(), "{shape:?}");
        for line in &written {
            let id = id_of(line);
            let url = format!("http://127.0.0.1:{port}/api/people/{id}/");
            // The person, byte for byte as the server wrote it: every
            // field, in its order.
            let body = shape.body(id, port);
            assert!(
                line.starts_with(&format!(
                    r#"{{"id":{id},"url":"{url}","ok":true,"person":{body},"#
                )),
                "{shape:?}: {line}"
            );
            assert!(
                stdout.contains(&format!("Person number {id} = Person {id}\n")),
                "{shape:?}: {stdout}"
            );
        }
    }
}

#[test]
fn a_person_without_a_string_name_fails_naming_the_url() {
    let api = TestApi::start(Config {
        shape: Shape::NumericName,
        ..Config::default()
    });
    let (code, stdout, stderr, written) = fetch(&api.api, &["--ids", "1-9"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("9 of 9 ids failed"), "{stderr}");
    for id in 1..=9 {
        let line = format!(
            "Person number {id} failed: the answer from {}people/{id}/ is not a person \
             (\"name\" is a number, not a string)\n",
            api.api
        );
        assert!(stdout.contains(&line), "{line}\n{stdout}");
    }
    for line in &written {
        let value: Value = serde_json::from_str(line).unwrap();
        let id = value["id"].as_u64().unwrap();
        assert_eq!(value["ok"], false, "{line}");
        assert_eq!(value["url"], format!("{}people/{id}/", api.api), "{line}");
        assert_eq!(
            value["error"],
            "the answer is not a person (\"name\" is a number, not a string)"
        );
        assert!(value.get("person").is_none(), "{line}");
    }
}

#[test]
fn every_failure_and_every_retry_names_the_url_in_every_model() {
    let api = TestApi::start(Config {
        shape: Shape::Unavailable,
        ..Config::default()
    });
    for model in ["async", "threads", "sequential"] {
        let (code, stdout, stderr, _) = fetch(
            &api.api,
            &["--model", model, "--retries", "1", "--ids", "3"],
        );
        assert_eq!(code, Some(1), "{model}: {stderr}");
        let url = format!("{}people/3/", api.api);
        let messages: Vec<&str> = stdout
            .lines()
            .filter_map(|l| l.split_once(" ]  ").map(|(_, m)| m))
            .filter(|m| m.starts_with("Person number 3"))
            .collect();
        assert_eq!(messages.len(), 2, "{model}: {stdout}");
        assert!(
            messages[0].starts_with(&format!(
                "Person number 3: HTTP 503 from {url} on attempt 1, trying again in "
            )),
            "{model}: {stdout}"
        );
        assert_eq!(
            messages[1],
            format!("Person number 3 failed: HTTP 503 from {url}"),
            "{model}"
        );
    }
}

#[test]
fn a_persons_address_as_the_api_is_refused_saying_what_to_give() {
    assert_bad_input(
        &run(["fetch", "--api", "http://127.0.0.1:9/api/people/3/"]),
        &[
            "--api: 'http://127.0.0.1:9/api/people/3/' is not a usable URL: it is person 3's \
           address; give the API's root, http://127.0.0.1:9/api/, and --ids 3",
        ],
    );
}
