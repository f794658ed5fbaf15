//! The retention block shared by the candidate page and the pipeline board: when the data
//! will be deleted and by which rule, the legal holds (in force and released) and, for HR,
//! the forms that place and release them. Plain form posts (work with JavaScript off) to
//! `server/src/http/selection.rs`; the server authorises every one of them again.

use super::components::textarea_text;
use crate::domain::selection::Holds;
use leptos::prelude::*;

/// What HR sees about keeping and deleting this candidate or vacancy.
#[component]
pub fn Retention(
    /// "Kept until … — rule", or `None` on a vacancy (each candidate has its own date).
    summary: Option<String>,
    /// The holds.
    holds: Holds,
    /// Where a new hold is posted.
    action: String,
    /// What a hold here covers, in words ("this candidate", "every candidate of this vacancy").
    covers: &'static str,
    /// The reason as typed in a refused form.
    typed: String,
    /// The message for a refused reason, if the last form was refused.
    problem: Option<String>,
) -> impl IntoView {
    let in_force = holds.in_force();
    let rows = holds.rows.clone();
    let form = holds.can_manage.then(|| {
        let class = if problem.is_some() { "form-group form-group--error" } else { "form-group" };
        view! {
            <form method="post" action=action>
                <div class=class>
                    <label class="label" for="hold_reason">{format!("Place a legal hold on {covers}")}</label>
                    <p class="hint">"For a claim, dispute or tribunal. Nothing it covers is deleted until the hold is released. Placing and releasing it are recorded in the audit log."</p>
                    {problem.map(|p| view! { <p class="error-message" id="hold_reason-error"><span class="visually-hidden">"Error: "</span>{p}</p> })}
                    <textarea class="textarea" id="hold_reason" name="hold_reason" rows="2">{textarea_text(typed)}</textarea>
                </div>
                <button class="button button--secondary" type="submit">"Place legal hold"</button>
            </form>
        }
    });
    view! {
        <section id="holds" aria-labelledby="retention-heading">
            <h2 class="heading-l" id="retention-heading">"Retention and legal holds"</h2>
            {summary.map(|s| view! { <p class="body" id="retention-date">{s}</p> })}
            {in_force.then(|| view! {
                <div class="inset-text"><p class="body">"A legal hold is in force: nothing it covers will be deleted until it is released."</p></div>
            })}
            {(!rows.is_empty()).then(|| view! {
                <table class="table">
                    <caption class="heading-m">"Legal holds"</caption>
                    <thead><tr>
                        <th scope="col">"Reason"</th><th scope="col">"Placed"</th><th scope="col">"Status"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|h| {
                            let reason = if h.whole_vacancy && covers == "this candidate" {
                                format!("{} (whole vacancy)", h.reason)
                            } else {
                                h.reason.clone()
                            };
                            let status = match (h.released.clone(), holds.can_manage) {
                                (Some(r), _) => view! { <span>{r}</span> }.into_any(),
                                (None, true) => view! {
                                    <form method="post" action=format!("/staff/holds/{}/release", h.id)>
                                        <button class="button button--secondary" type="submit">"Release hold"</button>
                                    </form>
                                }.into_any(),
                                (None, false) => view! { <span>"In force"</span> }.into_any(),
                            };
                            view! { <tr><td>{reason}</td><td>{h.placed.clone()}</td><td>{status}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {form}
        </section>
    }
    .into_any()
}
