//! The committed example configuration stays in step with the settings struct.

use std::path::Path;

use amparo_app::config::Settings;

const EXAMPLE: &str = include_str!("../../../config/amparo.example.toml");

fn keys(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    if let toml::Value::Table(table) = value {
        for (key, child) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if child.is_table() {
                keys(child, &path, out);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
}

#[test]
fn example_parses_and_holds_the_defaults() {
    let example = Settings::from_toml(EXAMPLE, Path::new("amparo.example.toml")).unwrap();
    assert_eq!(example, Settings::new("0123456789ab".to_owned()));
}

#[test]
fn example_names_every_setting() {
    let defaults = toml::Value::try_from(Settings::new("x".to_owned())).unwrap();
    let example: toml::Value = toml::from_str(EXAMPLE).unwrap();
    let (mut want, mut have) = (Vec::new(), Vec::new());
    keys(&defaults, "", &mut want);
    keys(&example, "", &mut have);
    assert_eq!(have, want);
}

#[test]
fn unknown_settings_are_refused_with_their_name() {
    let error = Settings::from_toml(
        "installation_id = \"x\"\n[server]\nlisten = \"127.0.0.1:1\"\nport = 9\n",
        Path::new("config.toml"),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("unknown field `port`"),
        "{error}"
    );
}

#[test]
fn environment_overrides_the_file() {
    let mut settings = Settings::new("x".to_owned());
    settings.apply_env(|name| match name {
        "AMPARO_LISTEN" => Some("127.0.0.1:9999".to_owned()),
        "AMPARO_FETCH_ALLOW" => Some("127.0.0.1/32, intranet.example.org".to_owned()),
        _ => None,
    });
    assert_eq!(settings.server.listen, "127.0.0.1:9999");
    assert_eq!(
        settings.fetch.allow,
        ["127.0.0.1/32", "intranet.example.org"]
    );
    assert_eq!(settings.fetch_policy().unwrap().allow.len(), 2);
}

#[test]
fn a_bad_allow_entry_names_the_setting() {
    let mut settings = Settings::new("x".to_owned());
    settings.fetch.allow = vec!["10.0.0.0/99".to_owned()];
    let error = settings.fetch_policy().unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("setting fetch.allow is invalid"),
        "{error}"
    );
}
