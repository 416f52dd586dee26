use std::io::Write;
use std::path::{Path, PathBuf};

use super::*;

const BASE: &str = "http://127.0.0.1:8000";

/// The people `asinc2.py` prints, by id.
const ARTICLE: [&str; 9] = [
    "Luke Skywalker",
    "C-3PO",
    "R2-D2",
    "Darth Vader",
    "Leia Organa",
    "Owen Lars",
    "Beru Whitesun lars",
    "R5-D4",
    "Biggs Darklighter",
];

fn name(dataset: &Dataset, id: u64) -> String {
    dataset.person(id, BASE).expect("a person").name
}

#[test]
fn the_builtin_people_are_the_articles() {
    let dataset = Dataset::builtin();
    for (id, expected) in (1..).zip(ARTICLE) {
        assert_eq!(name(&dataset, id), expected, "person {id}");
    }
    // And the article agrees, where the checkout has it.
    let article =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/asincronia-en-python.md");
    let Ok(text) = std::fs::read_to_string(&article) else {
        eprintln!(
            "skipped the comparison: no article at {}",
            article.display()
        );
        return;
    };
    for (id, expected) in (1..).zip(ARTICLE) {
        let line = format!("Person number {id} = {expected}\n");
        assert!(text.contains(&line), "the article lacks {line:?}");
    }
}

#[test]
fn a_person_has_absolute_urls_and_swapis_fields() {
    let luke = Dataset::builtin()
        .person(1, "http://127.0.0.1:8000/")
        .unwrap();
    assert_eq!(luke.url, "http://127.0.0.1:8000/api/people/1/");
    assert_eq!(luke.homeworld, "http://127.0.0.1:8000/api/planets/1/");
    // The built-in data has no films or ships: the fields are there, empty.
    let json = serde_json::to_value(&luke).unwrap();
    for field in ["films", "species", "vehicles", "starships"] {
        assert_eq!(json[field], serde_json::json!([]), "{field}");
    }
    let planet = Dataset::builtin().planet(1, BASE).unwrap();
    assert_eq!(planet.url, "http://127.0.0.1:8000/api/planets/1/");
    let residents = planet.residents.expect("a swapi-sized planet lists them");
    assert!(residents.contains(&luke.url), "{residents:?}");
}

#[test]
fn builtin_people_are_swapis_size_and_every_home_exists() {
    let dataset = Dataset::builtin();
    assert_eq!(dataset.people_count(), BUILTIN_PEOPLE);
    assert!(dataset.person(0, BASE).is_none());
    assert!(dataset.person(BUILTIN_PEOPLE, BASE).is_some());
    assert!(dataset.person(BUILTIN_PEOPLE + 1, BASE).is_none());
    assert!(dataset.person(u64::MAX, BASE).is_none());
    assert!(dataset.planet(0, BASE).is_none());
    assert!(dataset.planet(99, BASE).is_none());
    let mut listed = 0;
    for id in 1..=BUILTIN_PEOPLE {
        let person = dataset.person(id, BASE).unwrap();
        let planet: u64 = person
            .homeworld
            .rsplit('/')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let home = dataset.planet(planet, BASE).expect("the home world exists");
        assert!(home.residents.unwrap().contains(&person.url));
        listed += 1;
    }
    assert_eq!(listed, BUILTIN_PEOPLE);
}

#[test]
fn a_load_test_generates_up_to_the_limit() {
    let dataset = Dataset::generated(MAX_PEOPLE).unwrap();
    assert_eq!(dataset.people_count(), MAX_PEOPLE);
    assert!(dataset.person(MAX_PEOPLE, BASE).is_some());
    assert!(dataset.person(MAX_PEOPLE + 1, BASE).is_none());
    assert_eq!(name(&dataset, 1), "Luke Skywalker");
    assert_eq!(dataset.planet(1, BASE).unwrap().residents, None);
    // The built-in people are the first of the generated ones.
    let builtin = Dataset::builtin();
    assert_eq!(dataset.person(50, BASE), builtin.person(50, BASE));
    // Fewer than nine keeps the first of the article's.
    let three = Dataset::generated(3).unwrap();
    assert_eq!(three.list("", 0, PAGE_SIZE).ids, vec![1, 2, 3]);
    assert_eq!(three.search("r2"), vec![3]);
    assert!(
        three.search("vader").is_empty(),
        "Darth Vader is the fourth"
    );
    for bad in [0, MAX_PEOPLE + 1] {
        let error = Dataset::generated(bad).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("{bad} people cannot be generated: give from 1 to 1000000")
        );
    }
}

#[test]
fn generated_people_are_the_same_every_time() {
    let (one, other) = (Dataset::generated(MAX_PEOPLE).unwrap(), Dataset::builtin());
    for id in [10, 11, 42, 82] {
        assert_eq!(one.person(id, BASE), other.person(id, BASE));
    }
}

#[test]
fn neighbours_have_distinct_names() {
    let dataset = Dataset::generated(2_000).unwrap();
    let names: Vec<String> = (1..=2_000).map(|id| name(&dataset, id)).collect();
    let distinct: std::collections::HashSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), names.len());
    assert_ne!(name(&dataset, 10), name(&dataset, 11));
}

#[test]
fn search_ignores_case() {
    let dataset = Dataset::generated(MAX_PEOPLE).unwrap();
    assert_eq!(dataset.search("sky"), vec![1]);
    assert_eq!(dataset.search("SKYWALKER"), vec![1]);
    assert_eq!(dataset.search("r2-"), vec![3]);
    // Generated names are found too, by any piece of them.
    let generated = name(&dataset, 123_456);
    assert!(dataset.search(&generated).contains(&123_456), "{generated}");
    assert!(dataset.search("no such name").is_empty());
}

#[test]
fn listings_page_over_ids() {
    let dataset = Dataset::generated(MAX_PEOPLE).unwrap();
    let first = dataset.list("", 0, PAGE_SIZE);
    assert_eq!(first.total, 1_000_000);
    assert_eq!(first.ids, (1..=10).collect::<Vec<_>>());
    let last = dataset.list("", 999_995, PAGE_SIZE);
    assert_eq!(last.ids, (999_996..=1_000_000).collect::<Vec<_>>());
    assert!(dataset.list("", 1_000_000, PAGE_SIZE).ids.is_empty());
    let luke = dataset.list("luke", 0, PAGE_SIZE);
    assert_eq!((luke.total, luke.ids), (1, vec![1]));
    let builtin = Dataset::builtin();
    let last = builtin.list("", 80, PAGE_SIZE);
    assert_eq!((last.total, last.ids), (82, vec![81, 82]));
}

#[test]
fn planets_list_and_search_by_name() {
    let dataset = Dataset::builtin();
    let all = dataset.list_of(Resource::Planets, "", 0, PAGE_SIZE);
    assert_eq!(all.total, dataset.planet_count());
    assert_eq!(all.ids, (1..=dataset.planet_count()).collect::<Vec<_>>());
    let first = dataset.planet(1, BASE).unwrap().name;
    let found = dataset.list_of(Resource::Planets, &first.to_uppercase(), 0, PAGE_SIZE);
    assert_eq!(found.ids, vec![1]);
    assert_eq!(dataset.list_of(Resource::Films, "", 0, PAGE_SIZE).total, 0);
}

/// The swapi fixtures, when the checkout has them next to the crate.
fn swapi(file: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/swapi")
        .join(file);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: no swapi fixtures at {}", path.display());
        None
    }
}

#[test]
fn swapis_fixtures_load() {
    let (Some(people), Some(planets)) = (swapi("people.json"), swapi("planets.json")) else {
        return;
    };
    let dataset = Dataset::from_fixture_files(std::slice::from_ref(&people)).unwrap();
    assert_eq!(dataset.people_count(), 82);
    let luke = dataset.person(1, BASE).unwrap();
    assert_eq!(luke.name, "Luke Skywalker");
    assert_eq!(luke.homeworld, format!("{BASE}/api/planets/1/"));
    assert!(dataset.person(83, BASE).is_some());
    assert!(dataset.person(84, BASE).is_none());
    assert!(dataset.person(17, BASE).is_none(), "swapi has no person 17");
    // A listing skips the gaps.
    let second = dataset.list("", 10, PAGE_SIZE);
    assert_eq!(second.ids, vec![11, 12, 13, 14, 15, 16, 18, 19, 20, 21]);

    let both = Dataset::from_fixture_files(&[people, planets]).unwrap();
    let tatooine = both.planet(1, BASE).unwrap();
    let residents = tatooine.residents.expect("fixtures list residents");
    assert!(residents.contains(&luke.url), "{residents:?}");
}

#[test]
fn films_species_and_ships_of_a_fixture_link_to_people() {
    let text = r#"[
        {"model": "resources.film", "pk": 1, "fields": {"title": "A New Hope",
            "characters": [1, 2], "planets": [1], "species": [2], "starships": [12],
            "vehicles": []}},
        {"model": "resources.species", "pk": 2, "fields": {"name": "Droid",
            "people": [2], "homeworld": null}},
        {"model": "resources.starship", "pk": 12, "fields": {"pilots": [1],
            "MGLT": "100"}},
        {"model": "resources.transport", "pk": 12, "fields": {"name": "X-wing"}}
    ]"#;
    let related = file_with(text);
    let Some(people) = swapi("people.json") else {
        return;
    };
    let dataset = Dataset::from_fixture_files(&[people, related.path().to_path_buf()]).unwrap();
    let luke = dataset.person(1, BASE).unwrap();
    assert_eq!(luke.films, vec![format!("{BASE}/api/films/1/")]);
    assert_eq!(luke.starships, vec![format!("{BASE}/api/starships/12/")]);
    assert!(luke.species.is_empty() && luke.vehicles.is_empty());
    let threepio = dataset.person(2, BASE).unwrap();
    assert_eq!(threepio.species, vec![format!("{BASE}/api/species/2/")]);
    let json = |resource, id| serde_json::to_value(dataset.render(resource, id, BASE)).unwrap();
    let ship = json(Resource::Starships, 12);
    assert_eq!(ship["name"], "X-wing");
    assert_eq!(ship["pilots"], serde_json::json!([luke.url]));
    assert_eq!(dataset.count(Resource::Films), 1);
    let droid = json(Resource::Species, 2);
    assert_eq!(droid["homeworld"], serde_json::Value::Null);
    assert_eq!(
        droid["films"],
        serde_json::json!([format!("{BASE}/api/films/1/")])
    );
}

fn file_with(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn load_error(text: &str) -> (DataError, PathBuf) {
    let file = file_with(text);
    let path = file.path().to_path_buf();
    (
        Dataset::from_fixture_files(std::slice::from_ref(&path)).unwrap_err(),
        path,
    )
}

#[test]
fn malformed_json_names_file_and_line() {
    let (error, path) = load_error("[\n{\"model\": \"resources.planet\",\n \"pk\": 1,,\n}]");
    assert!(
        matches!(error, DataError::Syntax { line: 3, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{}:3: ", path.display())),
        "{message}"
    );
    assert!(!message.contains("at line"), "{message}");
}

#[test]
fn a_person_without_a_field_is_refused_with_its_line() {
    let text =
        "[\n{\"model\": \"resources.people\", \"pk\": 1,\n \"fields\": {\"name\": \"X\"}\n}\n]";
    let (error, _) = load_error(text);
    let message = error.to_string();
    assert!(message.contains("missing field"), "{message}");
    assert!(
        matches!(error, DataError::Syntax { line, .. } if line >= 2),
        "{error:?}"
    );
}

#[test]
fn unknown_models_are_skipped_but_a_file_of_nothing_is_refused() {
    let film = r#"{"model": "resources.film", "pk": 1, "fields": {"title": "A New Hope"}}"#;
    let planet = r#"{"model": "resources.planet", "pk": 3, "fields": {"name": "P",
        "rotation_period": "1", "orbital_period": "2", "diameter": "3", "climate": "c",
        "gravity": "g", "terrain": "t", "surface_water": "4", "population": "5",
        "created": "c", "edited": "e"}}"#;
    let file = file_with(&format!("[{film}, {planet}]"));
    let dataset = Dataset::from_fixture_files(&[file.path().to_path_buf()]).unwrap();
    assert_eq!((dataset.people_count(), dataset.planet_count()), (0, 1));
    assert_eq!(dataset.planet(3, BASE).unwrap().residents, Some(vec![]));

    let vote = r#"{"model": "resources.vote", "pk": 1, "fields": {}}"#;
    let (error, _) = load_error(&format!("[{vote}]"));
    assert!(matches!(error, DataError::Empty { .. }), "{error:?}");
    let (error, _) = load_error(&format!("[{planet}, {planet}]"));
    assert!(
        error.to_string().ends_with("planet 3 appears twice"),
        "{error}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let path = PathBuf::from("/nonexistent/people.json");
    let error = Dataset::from_fixture_files(&[path]).unwrap_err();
    assert!(matches!(error, DataError::Read { .. }));
    assert!(
        error.to_string().contains("/nonexistent/people.json"),
        "{error}"
    );
}

#[test]
fn a_file_past_the_limit_is_refused_naming_it_and_the_limit() {
    let limit = 1024;
    let at_limit = file_with(&" ".repeat(1024));
    assert_eq!(fixture::read(at_limit.path(), limit).unwrap().len(), 1024);
    let over = file_with(&" ".repeat(1025));
    let error = fixture::read(over.path(), limit).unwrap_err();
    assert!(
        matches!(error, DataError::TooLarge { limit: 1024, .. }),
        "{error:?}"
    );
    let big = DataError::TooLarge {
        path: over.path().to_path_buf(),
        limit: MAX_DATA_FILE,
    };
    assert_eq!(
        big.to_string(),
        format!(
            "cannot read data file '{}': it is larger than 64 MiB, the most a data file may be",
            over.path().display()
        )
    );
}

/// Files that do not say their size are read up to the limit and no
/// further: a device that never ends, and a pipe.
#[cfg(unix)]
#[test]
fn endless_files_are_read_only_to_the_limit() {
    let error = fixture::read(Path::new("/dev/zero"), 4096).unwrap_err();
    assert!(matches!(error, DataError::TooLarge { .. }), "{error:?}");

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("people.json");
    let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: `name` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let writer = std::thread::spawn({
        let fifo = fifo.clone();
        move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            // The reader stops at the limit and closes its end: the write
            // then fails, which is the point.
            let _ = pipe.write_all(&[b' '; 64 * 1024]);
        }
    });
    let error = fixture::read(&fifo, 4096).unwrap_err();
    assert!(matches!(error, DataError::TooLarge { .. }), "{error:?}");
    writer.join().unwrap();
}
