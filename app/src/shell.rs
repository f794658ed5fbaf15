//! The HTML document and the router: the frame every page sits in.
//!
//! On the server the shell also sets the page's Content-Security-Policy, because only here
//! is the per-response nonce known that the inline hydration scripts carry.

use crate::pages::{
    apply::{ConfirmationPage, LinkNotValidPage, StartPage, StepPage},
    audit::AuditPage,
    candidate::CandidateViewPage,
    careers::CareersPage,
    not_found::NotFound,
    pipeline::PipelineBoardPage,
    portal::{
        ContactPage, DataRequestPage, ErasePage, ErasedPage, PortalPage, PortalSignInPage,
        RefereePage, WithdrawPage,
    },
    reference::{DeclineReferencePage, ReferencePage},
    reports::{DiversityReportPage, FunnelReportPage},
    reserve::{JoinReserveListPage, ReserveConsentPage},
    reserve_list::StaffReserveListPage,
    retention::{RetentionPage, RetentionSchedulePage},
    rights::{LogRequestPage, RightsRegisterPage, RightsRequestPage},
    settings::{PrivacyNoticePage, RejectionSettingsPage},
    staff::{SetPasswordPage, SignInPage, StaffHomePage},
    two_factor::{SignInCodePage, TwoFactorPage},
    users::{AccountPage, InvitePage, UsersPage},
    vacancies::{StaffVacanciesPage, VacancyEditorPage},
    vacancy::VacancyPage,
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// The Content-Security-Policy for HTML pages: only our own scripts (and the inline ones that
/// carry this response's nonce), our own wasm, our own styles; no framing, no plugins.
#[must_use]
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(opts), Some(nonce)) =
        (use_context::<leptos_axum::ResponseOptions>(), leptos::nonce::use_nonce())
        && let Ok(value) = http::HeaderValue::from_str(&page_csp(&nonce))
    {
        opts.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // No favicon request: an empty icon keeps the console free of 404s.
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: header, routes, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration; the attribute lets browser tests (and
    // anyone debugging) tell a hydrated page from server-rendered HTML.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <Stylesheet id="leptos" href="/pkg/shortlist.css"/>
        <Title formatter=|title: String| format!("{title} – Shortlist")/>
        <a href="#main-content" class="skip-link">"Skip to main content"</a>
        <header class="header">
            <div class="container header__inner">
                <a href="/" class="header__service">"Careers"</a>
                <span class="header__product">"Shortlist"</span>
            </div>
        </header>
        <Router>
            <div class="container" data-hydrated=move || hydrated.get().to_string()>
                <main class="main" id="main-content" tabindex="-1">
                    <Routes fallback=NotFound>
                        <Route path=StaticSegment("") view=CareersPage ssr=SsrMode::Async/>
                        <Route
                            path=(StaticSegment("vacancies"), ParamSegment("id"))
                            view=VacancyPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("vacancies"), ParamSegment("id"), StaticSegment("apply"))
                            view=StartPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("apply"), StaticSegment("link-not-valid"))
                            view=LinkNotValidPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("apply"), ParamSegment("id"), StaticSegment("confirmation"))
                            view=ConfirmationPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("apply"), ParamSegment("id"), ParamSegment("step"))
                            view=StepPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("portal") view=PortalPage ssr=SsrMode::Async/>
                        <Route
                            path=(StaticSegment("portal"), StaticSegment("data-request"))
                            view=DataRequestPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("portal"), StaticSegment("erase"))
                            view=ErasePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("portal"), StaticSegment("erased"))
                            view=ErasedPage
                        />
                        <Route
                            path=(StaticSegment("portal"), StaticSegment("sign-in"))
                            view=PortalSignInPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("portal"), StaticSegment("contact"))
                            view=ContactPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("portal"), StaticSegment("referees"), ParamSegment("id"))
                            view=RefereePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("portal"), StaticSegment("withdraw"), ParamSegment("id"))
                            view=WithdrawPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("reference"), ParamSegment("token"))
                            view=ReferencePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("reference"), ParamSegment("token"), StaticSegment("decline"))
                            view=DeclineReferencePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("reserve-list"), ParamSegment("token"))
                            view=ReserveConsentPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("reserve-list"), StaticSegment("join"), ParamSegment("token"))
                            view=JoinReserveListPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("staff") view=StaffHomePage ssr=SsrMode::Async/>
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("audit"))
                            view=AuditPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("rights"))
                            view=RightsRegisterPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("rights"), StaticSegment("new"))
                            view=LogRequestPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("rights"), ParamSegment("id"))
                            view=RightsRequestPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("retention"))
                            view=RetentionPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("reports"), StaticSegment("funnel"))
                            view=FunnelReportPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("reports"), StaticSegment("diversity"))
                            view=DiversityReportPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("retention"), StaticSegment("schedule"))
                            view=RetentionSchedulePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("sign-in"))
                            view=SignInPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("sign-in"), StaticSegment("code"))
                            view=SignInCodePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("two-factor"))
                            view=TwoFactorPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("users"))
                            view=UsersPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("users"), ParamSegment("id"))
                            view=AccountPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("vacancies"))
                            view=StaffVacanciesPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("vacancies"), StaticSegment("new"))
                            view=VacancyEditorPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("vacancies"), ParamSegment("id"))
                            view=VacancyEditorPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("vacancies"), ParamSegment("id"), StaticSegment("reserve-list"))
                            view=StaffReserveListPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("vacancies"), ParamSegment("id"), StaticSegment("candidates"))
                            view=PipelineBoardPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("candidates"), ParamSegment("id"))
                            view=CandidateViewPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("settings"), StaticSegment("privacy-notice"))
                            view=PrivacyNoticePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("settings"), StaticSegment("rejections"))
                            view=RejectionSettingsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("staff"), StaticSegment("invite"))
                            view=InvitePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(
                                StaticSegment("staff"),
                                StaticSegment("set-password"),
                                ParamSegment("token"),
                            )
                            view=SetPasswordPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </main>
            </div>
        </Router>
        <footer class="footer">
            <div class="container">
                <p class="footer__text">
                    "Shortlist keeps applicants' personal data only as long as the law allows."
                </p>
            </div>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::page_csp;

    #[test]
    fn page_csp_allows_only_own_code_and_this_nonce() {
        let csp = page_csp("abc123");
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
