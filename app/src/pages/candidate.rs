//! `/staff/candidates/:id`: one candidate as the signed-in selector may see them — criterion
//! answers and covering statement always; who they are (name, contact details, eligibility,
//! source, screening answers, CV) only once any name-blind sift is passed; the viewer's score
//! sheet and, once it is submitted, colleagues' sheets; notes, interviews, stage history; and
//! for whoever decides, the decision forms.
//!
//! Every form is a plain post to `server/src/http/selection.rs` (works with JavaScript off)
//! carrying the version the page was built from, so a decision on a candidate someone else
//! changed meanwhile is refused with "this changed since you opened it". Outcomes come back
//! as codes; a refused form's text is kept server-side (`?error=form`).

use super::components::{ErrorPage, ErrorSummaryList, SuccessBanner, SummaryRow, textarea_text};
use crate::domain::selection::{Blocked, CandidatePage, SCALE, ScoreLine, score_words};
use crate::domain::vacancy_edit::Stage;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The candidate page for the signed-in selector.
#[server(prefix = "/api", endpoint = "staff-candidate")]
pub async fn candidate_view(id: String, rejected: bool) -> Result<CandidatePage, AppError> {
    use crate::domain::selection::Viewer;
    let actor = crate::ports::current_actor();
    crate::domain::access::signed_in(&actor)?;
    let id: crate::domain::ApplicationId = id.parse().map_err(|_| AppError::NotFound)?;
    let services = crate::ports::services()?;
    // Authorised against the vacancy the application belongs to, as stored.
    let vacancy = services.selection.vacancy_of(id).await?.ok_or(AppError::NotFound)?;
    let viewer = Viewer::for_vacancy(&actor, vacancy)?;
    services.selection.candidate(&viewer, id, rejected, services.clock.now()).await
}

/// `/staff/candidates/:id`.
#[component]
pub fn CandidateViewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.read().get("id").unwrap_or_default(),
            query.read().get("error").as_deref() == Some("form"),
            // Refetch after each post's redirect.
            query.read().get("done"),
        )
    };
    let page = Resource::new(key, |(id, rejected, _)| candidate_view(id, rejected));
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Candidate page/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn done_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Your scores are saved as a draft. Submit them when you have finished.",
        "scored" => "Your scores are submitted. You can now see colleagues’ scores.",
        "moderating" => "You are moderating this candidate: you can see every submitted score.",
        "final_score" => "Final score recorded.",
        "moved" => "Candidate moved.",
        "rejected" => "Candidate rejected. The rejection letter is on its way.",
        "appointable" => {
            "Recorded as appointable, not appointed. The letter is on its way; it asks them to join the reserve list unless they already agreed."
        }
        "withdrawn" => "Application withdrawn. The applicant has been told.",
        "offer" => "The offer’s answer is recorded.",
        "interview" => {
            "Interview arranged. Invitations are on their way to the candidate and the panel."
        }
        "revealed" => "Identity revealed. The reason is recorded in the audit log.",
        "noted" => "Note added.",
        "held" => "Legal hold placed. Nothing it covers will be deleted until it is released.",
        "released" => "Legal hold released. The retention rules apply again.",
        other => return super::checks::done_text(other),
    })
}

fn action_error(code: &str) -> Option<(&'static str, &'static str)> {
    if let Some(b) = Blocked::from_code(code) {
        return Some(("decision", b.message()));
    }
    Some(match code {
        "confirm" => ("confirm", "Tick the box to confirm the applicant asked to withdraw"),
        "stage" => ("stage", "Select the stage to move the candidate to"),
        "response" => ("response", "Select whether the offer was accepted or declined"),
        other => return super::checks::action_error(other),
    })
}

#[component]
fn Candidate(page: CandidatePage) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("done").and_then(|c| done_text(&c));
    let code = query.read_untracked().get("error");
    let mut problems: Vec<(String, String)> =
        page.problems.iter().map(|p| (p.field.clone(), p.message.clone())).collect();
    if let Some((field, message)) = code.as_deref().and_then(action_error) {
        problems.push((field.to_owned(), message.to_owned()));
    }
    let failed = !problems.is_empty();
    let title = format!("{} – {}", page.label, page.vacancy_title);
    let title = if failed { format!("Error: {title}") } else { title };
    let board = format!("/staff/vacancies/{}/candidates", page.vacancy);
    let status = if page.standing.active() {
        page.stage.words().to_owned()
    } else {
        format!("{} ({})", page.standing.words(), page.stage.words())
    };
    view! {
        <leptos_meta::Title text=title/>
        <a class="back-link" href=board>"Back to candidates"</a>
        {done.map(|text| view! { <SuccessBanner text/> })}
        <ErrorSummaryList problems/>
        <span class="caption-l">{page.vacancy_title.clone()}</span>
        <h1 class="heading-xl">{page.label.clone()}</h1>
        {page.restricted.then(|| view! {
            <div class="warning-text">
                <span class="warning-text__icon" aria-hidden="true">"!"</span>
                <strong class="warning-text__text"><span class="visually-hidden">"Warning: "</span>{Blocked::Restricted.message()}</strong>
            </div>
        })}
        <dl class="summary-list" id="decision">
            <SummaryRow key="Candidate number" value=page.number.to_string()/>
            <SummaryRow key="Stage" value=status/>
            {page.reserve_status.clone().map(|r| view! { <SummaryRow key="Reserve list" value=r/> })}
        </dl>
        <Identity page=page.clone()/>
        <h2 class="heading-l">"Answers to the person specification"</h2>
        {page.answers.iter().enumerate().map(|(i, (criterion, answer))| view! {
            <h3 class="heading-m">{format!("{}. {criterion}", i + 1)}</h3>
            <p class="body summary-list__value--text">{answer.clone()}</p>
        }).collect_view()}
        <h2 class="heading-l">"Covering statement"</h2>
        <p class="body summary-list__value--text">{page.covering_statement.clone()}</p>
        {page.adjustments.clone().map(|a| view! {
            <h2 class="heading-l">"Reasonable adjustments"</h2>
            <p class="hint">"Only HR sees this."</p>
            <p class="body summary-list__value--text">{a}</p>
        })}
        <Scores page=page.clone()/>
        {page.can_decide.then(|| view! { <Decisions page=page.clone()/> })}
        <Interviews page=page.clone()/>
        {page.checks.clone().map(|section| view! { <super::checks::Checks page=page.clone() section/> })}
        {page.references.clone().map(|section| view! { <super::checks::References page=page.clone() section/> })}
        <Notes page=page.clone()/>
        {page.retention.clone().map(|(summary, holds)| view! {
            <super::holds::Retention
                summary=Some(summary)
                holds
                action=format!("/staff/candidates/{}/hold", page.id)
                covers="this candidate"
                typed=page.typed_or("hold_reason", "")
                problem=page.problems.iter().find(|p| p.field == "hold_reason").map(|p| p.message.clone())
            />
        })}
        <History page/>
    }
    .into_any()
}

#[component]
fn Identity(page: CandidatePage) -> impl IntoView {
    let Some(who) = page.identity.clone() else {
        let reveal = page.can_reveal.then(|| {
            let reason = page.typed_or("reveal_reason", "");
            view! {
                <form method="post" action=format!("/staff/candidates/{}/reveal", page.id)>
                    <div class="form-group">
                        <label class="label" for="reveal_reason">"Reveal this candidate’s identity before the sift ends"</label>
                        <p class="hint">"Only when there is a real need, such as arranging an adjustment. The reason goes in the audit log."</p>
                        <textarea class="textarea" id="reveal_reason" name="reveal_reason" rows="3">{textarea_text(reason)}</textarea>
                    </div>
                    <button class="button button--secondary" type="submit">"Reveal identity"</button>
                </form>
            }
        });
        return view! {
            <h2 class="heading-l">"Who they are"</h2>
            <div class="inset-text"><p class="body">"Hidden during the name-blind sift. Name, contact details, eligibility, source and CV are shown once the candidate passes the sift."</p></div>
            {reveal}
        }
        .into_any();
    };
    let cv = who.cv.clone().map(|(name, size)| {
        let kb = (size + 1023) / 1024;
        view! {
            <p class="body"><a class="link" href=format!("/staff/candidates/{}/cv", page.id) download="">
                {format!("Download CV: {name} ({kb} KB)")}
            </a></p>
        }
    });
    view! {
        <h2 class="heading-l">"Who they are"</h2>
        <dl class="summary-list">
            <SummaryRow key="Full name" value=who.full_name.clone()/>
            {who.preferred_name.clone().map(|p| view! { <SummaryRow key="Preferred name" value=p/> })}
            <SummaryRow key="Email" value=who.email.clone()/>
            <SummaryRow key="Phone" value=who.phone.clone().unwrap_or_default()/>
            <SummaryRow key="Right to work in the UK" value=who.right_to_work.clone()/>
            <SummaryRow key="Notice period" value=who.notice_period.clone()/>
            <SummaryRow key="Earliest start date" value=who.earliest_start.clone()/>
            <SummaryRow key="Salary expectation" value=who.salary_expectation.clone()/>
            <SummaryRow key="Heard about the role" value=who.source.clone()/>
        </dl>
        {(!who.screening.is_empty()).then(|| view! {
            <table class="table">
                <caption class="heading-m">"Screening questions"</caption>
                <thead><tr><th scope="col">"Question"</th><th scope="col">"Answer"</th></tr></thead>
                <tbody>
                    {who.screening.clone().into_iter().map(|(q, a, meets)| {
                        let note = (meets == Some(false)).then_some(" (not the answer the post needs)");
                        view! { <tr><td>{q}</td><td>{a}{note}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {cv}
    }
    .into_any()
}

fn score_label(score: Option<i32>) -> String {
    score.map_or_else(
        || "Not scored".to_owned(),
        |s| {
            let words = SCALE.iter().find(|(n, _)| *n == s).map_or("", |(_, w)| w);
            format!("{s} – {words}")
        },
    )
}

#[component]
fn ScoreTable(caption: String, lines: Vec<ScoreLine>, total: Option<i32>) -> impl IntoView {
    view! {
        <table class="table">
            <caption class="heading-m">{caption}</caption>
            <thead><tr><th scope="col">"Criterion"</th><th scope="col">"Score"</th><th scope="col">"Evidence"</th></tr></thead>
            <tbody>
                {lines.into_iter().map(|l| view! {
                    <tr><td>{l.criterion}</td><td>{score_label(l.score)}</td><td class="summary-list__value--text">{l.evidence}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        {total.map(|t| view! { <p class="body">{format!("Weighted score: {}", score_words(t))}</p> })}
    }
    .into_any()
}

#[component]
fn Scores(page: CandidatePage) -> impl IntoView {
    let mine = page.my_sheet.clone().map(|sheet| {
        if sheet.submitted || !page.can_score {
            let caption = if sheet.submitted { "Your scores (submitted)" } else { "Your draft scores" };
            return view! { <ScoreTable caption=caption.to_owned() lines=sheet.lines total=sheet.total/> }.into_any();
        }
        view! {
            <form method="post" action=format!("/staff/candidates/{}/scores", page.id)>
                <h3 class="heading-m">"Your scores"</h3>
                <p class="body">"Score each criterion from the answers and covering statement alone. Colleagues’ scores stay hidden until you submit yours, and yours from them."</p>
                <details class="details">
                    <summary class="details__summary">"The scoring scale"</summary>
                    <div class="details__text"><ul class="list">
                        {SCALE.iter().map(|(n, w)| view! { <li>{format!("{n}: {w}")}</li> }).collect_view()}
                    </ul></div>
                </details>
                {sheet.lines.into_iter().enumerate().map(|(i, line)| {
                    let n = i + 1;
                    let score_id = format!("score_{n}");
                    let evidence_id = format!("evidence_{n}");
                    let chosen = page.typed_or(&score_id, &line.score.map(|s| s.to_string()).unwrap_or_default());
                    let evidence = page.typed_or(&evidence_id, &line.evidence);
                    view! {
                        <fieldset class="fieldset">
                            <legend class="fieldset__legend fieldset__legend--s">{format!("{n}. {} (weight {})", line.criterion, line.weight)}</legend>
                            <div class="form-group">
                                <label class="label" for=score_id.clone()>"Score"</label>
                                <select class="select" id=score_id.clone() name=score_id>
                                    <option value="" selected=chosen.is_empty()>"Choose a score"</option>
                                    {SCALE.iter().map(|(s, w)| {
                                        let v = s.to_string();
                                        let selected = chosen == v;
                                        view! { <option value=v selected=selected>{format!("{s} – {w}")}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="form-group">
                                <label class="label" for=evidence_id.clone()>"Evidence"</label>
                                <textarea class="textarea" id=evidence_id.clone() name=evidence_id rows="3">{textarea_text(evidence)}</textarea>
                            </div>
                        </fieldset>
                    }
                }).collect_view()}
                <div class="button-group">
                    <button class="button" type="submit" name="action" value="submit">"Submit scores"</button>
                    <button class="button button--secondary" type="submit" name="action" value="save">"Save as draft"</button>
                </div>
            </form>
        }
        .into_any()
    });
    let colleagues = match page.colleagues.clone() {
        Some(list) if list.is_empty() => view! { <p class="body">"No colleague has submitted scores yet."</p> }.into_any(),
        Some(list) => list
            .into_iter()
            .map(|c| view! { <ScoreTable caption=format!("Scores from {}", c.scorer) lines=c.lines total=c.total/> })
            .collect_view()
            .into_any(),
        None => {
            let moderate = (page.can_decide && !page.moderating).then(|| view! {
                <form method="post" action=format!("/staff/candidates/{}/moderate", page.id)>
                    <button class="button button--secondary" type="submit">"Moderate without scoring"</button>
                </form>
            });
            view! {
                <p class="body">"Colleagues’ scores are hidden until you submit your own."</p>
                {moderate}
            }
            .into_any()
        }
    };
    let final_score = page.final_score.clone().map(|(s, reason)| {
        view! {
            <p class="body">{format!("Final score: {} — {reason}", score_words(s))}</p>
        }
    });
    let moderation = (page.can_decide && page.colleagues.is_some()).then(|| {
        let score = page.typed_or("final_score", "");
        let reason = page.typed_or("final_reason", "");
        view! {
            <form method="post" action=format!("/staff/candidates/{}/final-score", page.id)>
                <input type="hidden" name="version" value=page.version.to_string()/>
                <h3 class="heading-m">"Moderated final score"</h3>
                <div class="form-group">
                    <label class="label" for="final_score">"Final score (1 to 7, for example 4.5)"</label>
                    <input class="input input--width-4" id="final_score" name="final_score" type="text" inputmode="decimal" value=score/>
                </div>
                <div class="form-group">
                    <label class="label" for="final_reason">"Reason for the final score"</label>
                    <textarea class="textarea" id="final_reason" name="final_reason" rows="3">{textarea_text(reason)}</textarea>
                </div>
                <button class="button button--secondary" type="submit">"Record final score"</button>
            </form>
        }
    });
    view! {
        <h2 class="heading-l">"Scores"</h2>
        <p class="body">{format!("{} score sheets submitted.", page.sheets_submitted)}</p>
        {mine}
        {colleagues}
        {final_score}
        {moderation}
    }
    .into_any()
}

#[component]
fn Decisions(page: CandidatePage) -> impl IntoView {
    let id = page.id;
    let version = page.version.to_string();
    let hidden = move || view! { <input type="hidden" name="version" value=version.clone()/> };
    let moves = (!page.moves.is_empty()).then(|| view! {
        <form method="post" action=format!("/staff/candidates/{id}/move")>
            {hidden()}
            <div class="form-group">
                <label class="label" for="stage">"Move to stage"</label>
                <select class="select" id="stage" name="stage">
                    <option value="">"Choose a stage"</option>
                    {page.moves.iter().map(|s| view! { <option value=s.code()>{s.words()}</option> }).collect_view()}
                </select>
            </div>
            <button class="button" type="submit">"Move candidate"</button>
        </form>
    });
    let reason_typed = page.typed_or("reason", "");
    let feedback = page.typed_or("feedback", "");
    let offer = (page.stage == Stage::Offer && page.offer_response.is_none()).then(|| view! {
        <form method="post" action=format!("/staff/candidates/{id}/offer")>
            {hidden()}
            <fieldset class="fieldset" id="response">
                <legend class="fieldset__legend fieldset__legend--s">"The candidate’s answer to the offer"</legend>
                <div class="radios__item">
                    <input class="radios__input" id="response-accepted" name="response" type="radio" value="accepted"/>
                    <label class="label radios__label" for="response-accepted">"Accepted"</label>
                </div>
                <div class="radios__item">
                    <input class="radios__input" id="response-declined" name="response" type="radio" value="declined"/>
                    <label class="label radios__label" for="response-declined">"Declined"</label>
                </div>
            </fieldset>
            <button class="button" type="submit">"Record the answer"</button>
        </form>
    });
    let interview = matches!(page.stage, Stage::Interview | Stage::Assessment).then(|| {
        view! { <InterviewForm page=page.clone()/> }
    });
    let appointable = page.can_mark_appointable.then(|| view! {
        <form method="post" action=format!("/staff/candidates/{id}/appointable")>
            {hidden()}
            <h3 class="heading-m">"Appointable, not appointed"</h3>
            <p class="body">"The candidate met the standard for the post but there is no post to offer them. Their application ends as unsuccessful and they are told so. They go on the reserve list for other jobs only if they agree: the letter asks them, unless they already agreed on the application form."</p>
            <button class="button button--secondary" type="submit">"Record as appointable, not appointed"</button>
        </form>
    });
    view! {
        <h2 class="heading-l">"Decisions"</h2>
        {moves}
        {offer}
        {interview}
        {appointable}
        <form method="post" action=format!("/staff/candidates/{id}/reject")>
            {hidden()}
            <h3 class="heading-m">"Reject"</h3>
            <div class="form-group">
                <label class="label" for="reason">"Reason"</label>
                <select class="select" id="reason" name="reason">
                    <option value="">"Choose a reason"</option>
                    {page.reasons.iter().map(|r| {
                        let selected = reason_typed == r.code;
                        view! { <option value=r.code.clone() selected=selected>{r.words.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="feedback">"Feedback for the applicant (optional)"</label>
                <p class="hint">"Included in the rejection letter. The reason above is not."</p>
                <textarea class="textarea" id="feedback" name="feedback" rows="4">{textarea_text(feedback)}</textarea>
            </div>
            <button class="button button--warning" type="submit">"Reject and tell the applicant"</button>
        </form>
        <form method="post" action=format!("/staff/candidates/{id}/withdraw")>
            {hidden()}
            <h3 class="heading-m">"Withdraw on the applicant’s behalf"</h3>
            <div class="checkboxes__item">
                <input class="checkboxes__input" id="confirm" name="confirm" type="checkbox" value="yes"/>
                <label class="label checkboxes__label" for="confirm">"The applicant asked us to withdraw their application"</label>
            </div>
            <button class="button button--secondary" type="submit">"Withdraw application"</button>
        </form>
    }
    .into_any()
}

#[component]
fn InterviewForm(page: CandidatePage) -> impl IntoView {
    let t = |name: &str| page.typed_or(name, "");
    let chosen: Vec<String> =
        page.typed.iter().filter(|(k, _)| k == "panel").map(|(_, v)| v.clone()).collect();
    view! {
        <form method="post" action=format!("/staff/candidates/{}/interview", page.id)>
            <input type="hidden" name="version" value=page.version.to_string()/>
            <h3 class="heading-m">"Arrange an interview"</h3>
            <fieldset class="fieldset" role="group">
                <legend class="fieldset__legend fieldset__legend--s">"Date"</legend>
                <p class="hint">"For example, 2 12 2026"</p>
                <div class="date-input">
                    {[("interview_day", "Day"), ("interview_month", "Month"), ("interview_year", "Year")].into_iter().map(|(name, label)| view! {
                        <div class="date-input__item">
                            <label class="label date-input__label" for=name>{label}</label>
                            <input class="input input--width-4" id=name name=name type="text" inputmode="numeric" value=t(name)/>
                        </div>
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="form-group">
                <label class="label" for="interview_time">"Start time (UK time)"</label>
                <input class="input input--width-4" id="interview_time" name="interview_time" type="text" value=t("interview_time")/>
            </div>
            <div class="form-group">
                <label class="label" for="place">"Where, or the video link"</label>
                <input class="input input--width-full" id="place" name="place" type="text" value=t("place")/>
            </div>
            <fieldset class="fieldset" id="panel">
                <legend class="fieldset__legend fieldset__legend--s">"Panel"</legend>
                {page.team.iter().map(|m| {
                    let box_id = format!("panel-{}", m.id);
                    let checked = chosen.contains(&m.id.to_string());
                    view! {
                        <div class="checkboxes__item">
                            <input class="checkboxes__input" id=box_id.clone() name="panel" type="checkbox" value=m.id.to_string() checked=checked/>
                            <label class="label checkboxes__label" for=box_id>{m.name.clone()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button class="button" type="submit">"Arrange and send invitations"</button>
        </form>
    }
    .into_any()
}

#[component]
fn Interviews(page: CandidatePage) -> impl IntoView {
    (!page.interviews.is_empty()).then(|| view! {
        <h2 class="heading-l">"Interviews"</h2>
        <ul class="list">
            {page.interviews.into_iter().map(|i| view! {
                <li>{format!("{} at {} — panel: {}", i.starts, i.place, i.panel.join(", "))}</li>
            }).collect_view()}
        </ul>
    })
}

#[component]
fn Notes(page: CandidatePage) -> impl IntoView {
    let form = (page.my_sheet.is_some() && !page.restricted).then(|| {
        let note = page.typed_or("note", "");
        view! {
            <form method="post" action=format!("/staff/candidates/{}/notes", page.id)>
                <div class="form-group">
                    <label class="label" for="note">"Add a note"</label>
                    <textarea class="textarea" id="note" name="note" rows="3">{textarea_text(note)}</textarea>
                </div>
                <div class="checkboxes__item">
                    <input class="checkboxes__input" id="kind" name="kind" type="checkbox" value="interview"/>
                    <label class="label checkboxes__label" for="kind">"This is a note from an interview"</label>
                </div>
                <button class="button button--secondary" type="submit">"Add note"</button>
            </form>
        }
    });
    view! {
        <h2 class="heading-l">"Notes"</h2>
        {if page.notes.is_empty() {
            view! { <p class="body">"No notes yet."</p> }.into_any()
        } else {
            view! {
                <ul class="list">
                    {page.notes.into_iter().map(|n| {
                        let kind = if n.interview { "Interview note" } else { "Note" };
                        view! { <li><p class="hint">{format!("{kind} by {}, {}", n.author, n.at)}</p><p class="body summary-list__value--text">{n.text}</p></li> }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {form}
    }
    .into_any()
}

#[component]
fn History(page: CandidatePage) -> impl IntoView {
    view! {
        <h2 class="heading-l">"Stage history"</h2>
        {if page.history.is_empty() {
            view! { <p class="body">"Applied. No moves yet."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Stage history, oldest first"</caption>
                    <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Who"</th></tr></thead>
                    <tbody>
                        {page.history.into_iter().map(|h| view! { <tr><td>{h.at}</td><td>{h.what}</td><td>{h.by}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
    .into_any()
}
