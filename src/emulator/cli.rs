//! `orgdesk tenant [--bind ADDR] [--data FILE] [--plan NAME] [--app-url URL] [--control-api] [--empty
//! [--bootstrap-env FILE]]`: the local tenant on its own, for vendors testing against it.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::ratelimit::Plan;
use super::EmulatorConfig;

pub const USAGE: &str = "usage: orgdesk tenant [--bind 127.0.0.1:4000] [--data tenant.json] \
[--plan generous|free|professional|enterprise] [--app-url http://127.0.0.1:3000] [--control-api] \
[--empty [--bootstrap-env bootstrap.env]]";

/// What `orgdesk tenant` was asked for.
#[derive(Debug)]
pub struct TenantArgs {
    pub config: EmulatorConfig,
    /// With `--empty`: where the bootstrap application's credential is written (mode 0600).
    pub bootstrap_env: Option<PathBuf>,
}

pub fn parse(args: &[String]) -> Result<TenantArgs, String> {
    let mut config = EmulatorConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 4000)),
        ..EmulatorConfig::default()
    };
    let mut bootstrap_env = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--bind" => {
                let v = value("--bind")?;
                config.bind = v
                    .parse()
                    .map_err(|_| format!("--bind: `{v}` is not an address like 127.0.0.1:4000"))?;
            }
            "--data" => config.data_path = Some(PathBuf::from(value("--data")?)),
            "--plan" => {
                let v = value("--plan")?;
                config.plan =
                    Plan::parse(&v).ok_or_else(|| format!("--plan: unknown plan `{v}`"))?;
            }
            "--app-url" => config.app_url = value("--app-url")?.trim_end_matches('/').to_string(),
            "--control-api" => config.control_api = true,
            "--empty" => config.empty = true,
            "--bootstrap-env" => bootstrap_env = Some(PathBuf::from(value("--bootstrap-env")?)),
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if bootstrap_env.is_some() && !config.empty {
        return Err(format!("--bootstrap-env goes with --empty\n{USAGE}"));
    }
    if config.empty && bootstrap_env.is_none() {
        bootstrap_env = Some(PathBuf::from("bootstrap.env"));
    }
    Ok(TenantArgs {
        config,
        bootstrap_env,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_are_read_and_bad_ones_named() {
        let c = parse(&args(
            "--bind 127.0.0.1:4100 --plan free --control-api --data /tmp/t.json",
        ))
        .unwrap()
        .config;
        assert_eq!(c.bind.port(), 4100);
        assert_eq!(c.plan, Plan::Free);
        assert!(c.control_api);
        assert_eq!(c.data_path.unwrap(), PathBuf::from("/tmp/t.json"));
        assert!(!c.empty);
        assert_eq!(parse(&[]).unwrap().config.bind.port(), 4000);
        let empty = parse(&args("--empty")).unwrap();
        assert!(empty.config.empty);
        assert_eq!(empty.bootstrap_env.unwrap(), PathBuf::from("bootstrap.env"));
        assert!(parse(&args("--bootstrap-env b.env"))
            .unwrap_err()
            .contains("--empty"));
        assert!(parse(&args("--plan gold")).unwrap_err().contains("gold"));
        assert!(parse(&args("--bind"))
            .unwrap_err()
            .contains("needs a value"));
    }
}
