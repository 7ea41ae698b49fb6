//! The README's tour runs on a fresh clone: its first example, on the bundled
//! `data/inaugural`, prints the table the README shows.

use std::path::Path;

use crate::util::run_ok;

/// The console block of the README that starts with `$ refrain freq data/inaugural`: the
/// command's arguments and the lines it shows.
fn tour_block() -> (Vec<String>, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find("$ refrain freq data/inaugural").expect("the tour's first command");
    let block = &readme[start..readme[start..].find("```").unwrap() + start];
    let mut lines = block.lines();
    let command = lines.next().unwrap().trim_start_matches("$ refrain ");
    let args = command.split_whitespace().map(str::to_string).collect();
    (args, lines.map(str::to_string).collect())
}

#[test]
fn the_readme_tour_runs_on_the_bundled_inaugural_addresses() {
    let (args, shown) = tour_block();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("data/inaugural");
    assert_eq!(std::fs::read_dir(&data).unwrap().count(), 61, "59 speeches, README, SOURCE.md");
    // Run from the project folder, as the README does.
    let args: Vec<String> = args
        .iter()
        .map(|a| if a == "data/inaugural" { data.display().to_string() } else { a.clone() })
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (stdout, stderr) = run_ok(&args);
    let table: Vec<&str> =
        shown.iter().filter(|l| !l.starts_with("refrain:")).map(|l| l.as_str()).collect();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), table);
    // The summary lines, but for their timings.
    let untimed = |l: &str| {
        l.split(" (").next().unwrap().replace(&data.display().to_string(), "data/inaugural")
    };
    let said: Vec<String> = stderr.lines().map(untimed).collect();
    let shown: Vec<String> =
        shown.iter().filter(|l| l.starts_with("refrain:")).map(|l| untimed(l)).collect();
    assert_eq!(said, shown);
}
