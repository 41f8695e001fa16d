//! The directory: accounts and their users, voice connectors, voice connector groups, SIP
//! media applications and the SIP rules that route numbers to them.

use super::args::*;
use super::output::*;
use super::{CliError, Ctx, Res};
use crate::domain::*;
use serde_json::json;

pub fn run(ctx: &mut Ctx, cmd: DirectoryCmd) -> Res {
    match cmd {
        DirectoryCmd::Accounts { cmd } => accounts(ctx, cmd.unwrap_or(AccountsCmd::List)),
        DirectoryCmd::Users { cmd } => users(ctx, cmd.unwrap_or(UsersCmd::List { account: None })),
        DirectoryCmd::VoiceConnectors { cmd } => {
            connectors(ctx, cmd.unwrap_or(ConnectorsCmd::List))
        }
        DirectoryCmd::Groups { cmd } => groups(ctx, cmd.unwrap_or(GroupsCmd::List)),
        DirectoryCmd::SipMediaApplications { cmd } => smas(ctx, cmd.unwrap_or(SmaCmd::List)),
        DirectoryCmd::SipRules => sip_rules(ctx),
    }
}

fn smas(ctx: &mut Ctx, cmd: SmaCmd) -> Res {
    match cmd {
        SmaCmd::List => {
            let store = ctx.engine.store();
            let list = store.sip_media_apps()?;
            let rules = store.dial_in_rules()?;
            let numbers_of = |a: &SipMediaApp| -> Vec<String> {
                rules
                    .iter()
                    .filter(|r| r.sma == a.id)
                    .map(|r| r.number.to_string())
                    .collect()
            };
            if ctx.json {
                let v: Vec<_> = list
                    .iter()
                    .map(|a| {
                        json!({ "id": a.id.as_str(), "carrier_id": store.carrier_id(a.id.as_str()), "name": a.name, "region": a.region, "numbers": numbers_of(a) })
                    })
                    .collect();
                return ctx.print_json(&json!(v));
            }
            if list.is_empty() {
                writeln!(ctx.out, "No SIP media applications.")?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    let numbers = numbers_of(a);
                    vec![
                        a.id.to_string(),
                        a.name.clone(),
                        a.region.clone(),
                        if numbers.is_empty() {
                            "—".into()
                        } else {
                            numbers.join(", ")
                        },
                    ]
                })
                .collect();
            table(ctx.out, &["ID", "NAME", "REGION", "NUMBERS"], &rows)
        }
        SmaCmd::Create { name, region } => {
            act(ctx, Action::CreateSipMediaApplication { name, region })
        }
    }
}

fn sip_rules(ctx: &mut Ctx) -> Res {
    let store = ctx.engine.store();
    let rules = store.dial_in_rules()?;
    let apps = store.sip_media_apps()?;
    let app_name = |r: &DialInRule| {
        apps.iter()
            .find(|a| a.id == r.sma)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| r.sma.to_string())
    };
    if ctx.json {
        let v: Vec<_> = rules
            .iter()
            .map(|r| {
                json!({ "name": r.name, "trigger_type": SipRule::TO_PHONE_NUMBER, "trigger_value": r.number.as_str(), "sip_media_application": r.sma.as_str(), "sip_media_application_name": app_name(r), "disabled": r.disabled })
            })
            .collect();
        return ctx.print_json(&json!(v));
    }
    if rules.is_empty() {
        writeln!(
            ctx.out,
            "No SIP rules: phonedesk assign NUMBER --sip-media-application ID makes one"
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rules
        .iter()
        .map(|r| {
            vec![
                r.number.to_string(),
                r.name.clone(),
                format!("{} ({})", app_name(r), r.sma),
                if r.disabled { "disabled" } else { "enabled" }.into(),
            ]
        })
        .collect();
    table(
        ctx.out,
        &["NUMBER", "NAME", "SIP MEDIA APPLICATION", "STATE"],
        &rows,
    )
}

fn id(text: &str) -> String {
    text.trim().to_string()
}

fn act(ctx: &mut Ctx, action: Action) -> Res {
    let o = ctx.act(action)?;
    ctx.report(&o)
}

fn accounts(ctx: &mut Ctx, cmd: AccountsCmd) -> Res {
    match cmd {
        AccountsCmd::List => {
            let store = ctx.engine.store();
            let accounts = store.accounts()?;
            let users = store.users()?;
            let count = |a: &Account| users.iter().filter(|u| u.account == a.id).count();
            if ctx.json {
                let v: Vec<_> = accounts
                    .iter()
                    .map(|a| json!({ "id": a.id.as_str(), "name": a.name, "users": count(a) }))
                    .collect();
                return ctx.print_json(&json!(v));
            }
            if accounts.is_empty() {
                writeln!(
                    ctx.out,
                    "No accounts yet: phonedesk directory accounts create --name NAME"
                )?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = accounts
                .iter()
                .map(|a| vec![a.id.to_string(), a.name.clone(), count(a).to_string()])
                .collect();
            table(ctx.out, &["ID", "NAME", "USERS"], &rows)
        }
        AccountsCmd::Create {
            name,
            positional_name,
        } => {
            // clap makes sure exactly one of the two is given.
            let name = name.or(positional_name).unwrap_or_default();
            act(ctx, Action::CreateAccount { name })
        }
        AccountsCmd::Delete { id: a } => {
            ctx.confirm(&format!("Delete account {}?", one_line(&a)))?;
            act(
                ctx,
                Action::DeleteAccount {
                    account: AccountId(id(&a)),
                },
            )
        }
    }
}

fn user_json(u: &User) -> serde_json::Value {
    json!({
        "id": u.id.as_str(),
        "account": u.account.as_str(),
        "name": u.name,
        "email": u.email,
        "calling_enabled": u.calling_enabled,
        "sms_enabled": u.sms_enabled,
        "phone_number": u.phone_number.as_ref().map(|n| n.as_str()),
    })
}

fn users(ctx: &mut Ctx, cmd: UsersCmd) -> Res {
    match cmd {
        UsersCmd::List { account } => {
            let mut users = ctx.engine.store().users()?;
            if let Some(a) = account {
                users.retain(|u| u.account.as_str() == a.trim());
            }
            if ctx.json {
                return ctx.print_json(&json!(users.iter().map(user_json).collect::<Vec<_>>()));
            }
            if users.is_empty() {
                writeln!(ctx.out, "No users.")?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = users
                .iter()
                .map(|u| {
                    vec![
                        u.id.to_string(),
                        u.account.to_string(),
                        u.name.clone(),
                        u.email.clone(),
                        u.phone_number
                            .as_ref()
                            .map(|n| n.to_string())
                            .unwrap_or_else(|| "—".into()),
                        on_off(u.calling_enabled).into(),
                        on_off(u.sms_enabled).into(),
                    ]
                })
                .collect();
            table(
                ctx.out,
                &["ID", "ACCOUNT", "NAME", "EMAIL", "NUMBER", "CALLING", "SMS"],
                &rows,
            )
        }
        UsersCmd::Create {
            account,
            name,
            email,
        } => act(
            ctx,
            Action::CreateUser {
                account: AccountId(id(&account)),
                name,
                email,
            },
        ),
        UsersCmd::Edit {
            id: u,
            calling,
            sms,
        } => {
            let user = UserId(id(&u));
            let current = ctx.engine.store().user(&user)?.ok_or_else(|| {
                CliError::refused(RuleError::UnknownUser(user.0.clone()).to_string())
            })?;
            if calling.is_none() && sms.is_none() {
                return Err(CliError::usage(
                    "say what to change: --calling on|off and/or --sms on|off",
                ));
            }
            let calling = calling
                .map(|c| parse_on_off(&c, "--calling"))
                .transpose()?
                .unwrap_or(current.calling_enabled);
            let sms = sms
                .map(|s| parse_on_off(&s, "--sms"))
                .transpose()?
                .unwrap_or(current.sms_enabled);
            act(ctx, Action::SetUserPermissions { user, calling, sms })
        }
        UsersCmd::Delete { id: u } => {
            ctx.confirm(&format!("Delete user {}?", one_line(&u)))?;
            act(
                ctx,
                Action::DeleteUser {
                    user: UserId(id(&u)),
                },
            )
        }
    }
}

fn connectors(ctx: &mut Ctx, cmd: ConnectorsCmd) -> Res {
    match cmd {
        ConnectorsCmd::List => {
            let store = ctx.engine.store();
            let list = store.voice_connectors()?;
            let counts: Vec<usize> = list
                .iter()
                .map(|v| store.assigned_count(v.id.as_str()))
                .collect();
            if ctx.json {
                let v: Vec<_> = list
                    .iter()
                    .zip(&counts)
                    .map(|(v, n)| {
                        json!({ "id": v.id.as_str(), "carrier_id": store.carrier_id(v.id.as_str()), "name": v.name, "region": v.region, "encryption": v.encryption, "numbers": n })
                    })
                    .collect();
                return ctx.print_json(&json!(v));
            }
            if list.is_empty() {
                writeln!(ctx.out, "No voice connectors yet: phonedesk directory voice-connectors create --name NAME")?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .zip(&counts)
                .map(|(v, n)| {
                    vec![
                        v.id.to_string(),
                        v.name.clone(),
                        v.region.clone(),
                        on_off(v.encryption).into(),
                        n.to_string(),
                    ]
                })
                .collect();
            table(
                ctx.out,
                &["ID", "NAME", "REGION", "ENCRYPTION", "NUMBERS"],
                &rows,
            )
        }
        ConnectorsCmd::Create {
            name,
            region,
            encryption,
        } => {
            let encryption = parse_on_off(&encryption, "--encryption")?;
            act(
                ctx,
                Action::CreateVoiceConnector {
                    name,
                    region,
                    encryption,
                },
            )
        }
        ConnectorsCmd::Edit {
            id: v,
            name,
            encryption,
        } => {
            let connector = VoiceConnectorId(id(&v));
            let current = ctx
                .engine
                .store()
                .voice_connector(&connector)?
                .ok_or_else(|| {
                    CliError::refused(
                        RuleError::UnknownVoiceConnector(connector.0.clone()).to_string(),
                    )
                })?;
            let encryption = encryption
                .map(|e| parse_on_off(&e, "--encryption"))
                .transpose()?
                .unwrap_or(current.encryption);
            let name = name.unwrap_or(current.name);
            act(
                ctx,
                Action::UpdateVoiceConnector {
                    connector,
                    name,
                    encryption,
                },
            )
        }
        ConnectorsCmd::Delete { id: v } => {
            ctx.confirm(&format!("Delete voice connector {}?", one_line(&v)))?;
            act(
                ctx,
                Action::DeleteVoiceConnector {
                    connector: VoiceConnectorId(id(&v)),
                },
            )
        }
    }
}

/// `vc-1:1` → member vc-1 with priority 1; `vc-1` alone gets its place in the list.
fn members(texts: &[String]) -> Res<Vec<GroupMember>> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (vc, prio) = match t.rsplit_once(':') {
                Some((vc, p)) => {
                    let p: u8 = p.trim().parse().map_err(|_| {
                        CliError::usage(format!(
                            "“{}”: a member is VC:PRIORITY with a priority from 1 to 99",
                            one_line(t)
                        ))
                    })?;
                    (vc, p)
                }
                None => (t.as_str(), (i + 1) as u8),
            };
            Ok(GroupMember {
                connector: VoiceConnectorId(id(vc)),
                priority: prio,
            })
        })
        .collect()
}

fn groups(ctx: &mut Ctx, cmd: GroupsCmd) -> Res {
    match cmd {
        GroupsCmd::List => {
            let store = ctx.engine.store();
            let list = store.groups()?;
            let counts: Vec<usize> = list
                .iter()
                .map(|g| store.assigned_count(g.id.as_str()))
                .collect();
            if ctx.json {
                let v: Vec<_> = list
                    .iter()
                    .zip(&counts)
                    .map(|(g, n)| {
                        json!({
                            "id": g.id.as_str(),
                            "carrier_id": store.carrier_id(g.id.as_str()),
                            "name": g.name,
                            "members": g.members.iter().map(|m| json!({ "voice_connector": m.connector.as_str(), "priority": m.priority })).collect::<Vec<_>>(),
                            "numbers": n,
                        })
                    })
                    .collect();
                return ctx.print_json(&json!(v));
            }
            if list.is_empty() {
                writeln!(ctx.out, "No voice connector groups yet.")?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .zip(&counts)
                .map(|(g, n)| {
                    let m = g
                        .members
                        .iter()
                        .map(|m| format!("{}:{}", m.connector, m.priority))
                        .collect::<Vec<_>>()
                        .join(" ");
                    vec![g.id.to_string(), g.name.clone(), m, n.to_string()]
                })
                .collect();
            table(
                ctx.out,
                &["ID", "NAME", "MEMBERS (VC:PRIORITY)", "NUMBERS"],
                &rows,
            )
        }
        GroupsCmd::Create { name, members: m } => {
            let members = members(&m)?;
            act(ctx, Action::CreateGroup { name, members })
        }
        GroupsCmd::Edit {
            id: g,
            name,
            members: m,
        } => {
            let group = GroupId(id(&g));
            let current = ctx
                .engine
                .store()
                .groups()?
                .into_iter()
                .find(|x| x.id == group)
                .ok_or_else(|| {
                    CliError::refused(RuleError::UnknownGroup(group.0.clone()).to_string())
                })?;
            let members = if m.is_empty() {
                current.members
            } else {
                members(&m)?
            };
            let name = name.unwrap_or(current.name);
            act(
                ctx,
                Action::UpdateGroup {
                    group,
                    name,
                    members,
                },
            )
        }
        GroupsCmd::Delete { id: g } => {
            ctx.confirm(&format!("Delete voice connector group {}?", one_line(&g)))?;
            act(
                ctx,
                Action::DeleteGroup {
                    group: GroupId(id(&g)),
                },
            )
        }
    }
}
