//! Building and running the application: connect, migrate, open storage, bind, serve.
//!
//! [`Application::build`] does everything up to a bound listener and reports the port, so
//! tests start the real application in-process on port 0 and talk to it over HTTP.

use crate::auth::second_factor::SecondFactors;
use crate::mail::{Dispatcher, Outbox};
use crate::staff_admin::{StaffAdmin, StoreStaffDirectory, StoreTwoFactor};
use crate::{
    careers::StoreCareers,
    config::Config,
    db::Database,
    documents::{Documents, open_object_store},
    http::{AppState, router},
};
use anyhow::Context as _;
use app::ports::{Clock, Services, SystemClock};
use leptos::prelude::LeptosOptions;
use std::{future::Future, net::SocketAddr, sync::Arc};
use tokio::net::TcpListener;

/// The name cargo-leptos gives the wasm and JS bundle (`name` in the workspace metadata).
pub const BUNDLE_NAME: &str = "shortlist";

/// A built application with its listener bound.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    address: SocketAddr,
    db: Database,
    documents: Documents,
    dispatcher: crate::mail::Dispatcher,
    vacancy_admin: crate::vacancy_admin::VacancyAdmin,
    references: crate::references::StoreReferences,
    reserve: crate::reserve::StoreReserve,
    purger: crate::retention::Purger,
    purge_every_minutes: u32,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application").field("address", &self.address).finish_non_exhaustive()
    }
}

impl Application {
    /// Builds the application with the real clock.
    ///
    /// # Errors
    /// The database, storage or listener could not be set up; migrations failed.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Builds the application with the given clock (tests move time).
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = connect_and_migrate(&config).await?;
        let store = open_object_store(&config.documents_url)?;
        let documents = Documents::new(store, config.master_key.expose(), db.clone());
        let pseudonyms =
            Arc::new(crate::monitoring::Pseudonymiser::new(config.applying.eo_key.expose()));
        // Once per database: the diversity funnel's tallies from the answers held before they
        // existed. Before serving, so no report adds up a partial tally.
        if crate::reports::build_tallies(&db, &pseudonyms, clock.now()).await? {
            tracing::info!("built the diversity funnel's tallies from the monitoring answers held");
        }
        {
            let mut conn = db.acquire().await?;
            if !crate::monitoring::tallies::open_with(conn.conn(), &pseudonyms).await? {
                anyhow::bail!(
                    "SHORTLIST_EO_KEY is not the key this database's equal-opportunities data was \
                     written with: set it back (without it no monitoring answer can be matched and \
                     no diversity tally opened, so every application sent would fail)"
                );
            }
        }
        let purger = purger(&config, &db, &documents, &pseudonyms, clock.clone())?;
        let second_factors = SecondFactors::new(
            db.clone(),
            config.master_key.expose(),
            &config.organisation_name,
            config.mode,
        );
        let outbox = Outbox::new();
        let dispatcher = Dispatcher::new(
            db.clone(),
            &outbox,
            crate::mail::transport_for(&config.mail)?,
            &config.mail.from,
            clock.clone(),
        )?;
        let applying = crate::applying::StoreApplying::new(
            db.clone(),
            documents.clone(),
            outbox.clone(),
            pseudonyms.clone(),
            crate::applying::ApplyingSettings {
                public_url: config.public_url.clone(),
                organisation: config.organisation_name.clone(),
                upload_limit: config.applying.upload_limit,
                reserve_list_months: config.applying.reserve_list_months,
            },
        );
        let portal = crate::portal::StorePortal::new(
            db.clone(),
            outbox.clone(),
            crate::portal::PortalSettings {
                public_url: config.public_url.clone(),
                organisation: config.organisation_name.clone(),
                reserve_list_months: config.applying.reserve_list_months,
                retention_months: config.applying.retention_months,
            },
        );
        let vacancy_admin = crate::vacancy_admin::VacancyAdmin::new(
            db.clone(),
            outbox.clone(),
            config.public_url.clone(),
        );
        let checks = crate::checks::StoreChecks::new(
            db.clone(),
            documents.clone(),
            config.applying.upload_limit,
        );
        let references = crate::references::StoreReferences::new(
            db.clone(),
            outbox.clone(),
            config.organisation_name.clone(),
            config.public_url.clone(),
            config.reference_reminder_days,
        );
        let reserve = crate::reserve::StoreReserve::new(
            db.clone(),
            outbox.clone(),
            config.organisation_name.clone(),
            config.public_url.clone(),
            config.applying.reserve_list_months,
        );
        let selection = crate::selection::StoreSelection::new(
            db.clone(),
            outbox.clone(),
            config.organisation_name.clone(),
            reserve.clone(),
            pseudonyms.clone(),
        );
        let rights = crate::rights::StoreRights::new(
            db.clone(),
            outbox.clone(),
            config.organisation_name.clone(),
            config.public_url.clone(),
            crate::rights::bundle::Bundler::new(
                db.clone(),
                documents.clone(),
                pseudonyms.clone(),
                config.organisation_name.clone(),
                config.applying.reserve_list_months,
            ),
            purger.clone(),
        );
        let staff_admin = StaffAdmin::new(
            db.clone(),
            outbox,
            config.public_url.clone(),
            config.organisation_name.clone(),
        );
        let services_clock = clock.clone();
        let services = Services {
            careers: Arc::new(StoreCareers::new(
                db.clone(),
                crate::careers::CareersSettings {
                    organisation: config.organisation_name.clone(),
                    retention_months: config.applying.retention_months,
                    reserve_list_months: config.applying.reserve_list_months,
                },
            )),
            staff_links: Arc::new(crate::auth::links::StoreStaffLinks::new(db.clone())),
            audit: Arc::new(crate::audit_trail::StoreAuditTrail::new(db.clone())),
            staff_directory: Arc::new(StoreStaffDirectory::new(db.clone(), second_factors.clone())),
            two_factor: Arc::new(StoreTwoFactor::new(db.clone(), second_factors.clone())),
            vacancies: Arc::new(vacancy_admin.clone()),
            applying: Arc::new(applying.clone()),
            portal: Arc::new(portal.clone()),
            referee_requests: Arc::new(references.clone()),
            reserve_consents: Arc::new(reserve.clone()),
            reserve_lists: Arc::new(reserve.clone()),
            rights: Arc::new(rights.clone()),
            selection: Arc::new(crate::selection::StoreSelectionView::new(
                db.clone(),
                config.retention.dbs_details_months,
            )),
            retention: Arc::new(crate::retention::StoreRetentionOverviews::new(
                db.clone(),
                config.retention.periods,
                config.retention.claim_window,
                config.applying.reserve_list_months,
            )),
            reports: Arc::new(crate::reports::StoreReports::new(
                db.clone(),
                pseudonyms,
                config.report_policy,
            )),
            clock,
            organisation_name: Arc::from(config.organisation_name.as_str()),
            secure_cookies: config.behind_tls(),
        };
        let leptos_options = LeptosOptions::builder()
            .output_name(BUNDLE_NAME)
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.listen)
            .build();
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let address = listener.local_addr()?;
        let purge_every_minutes = config.retention.purge_every_minutes;
        let state = AppState {
            leptos_options,
            services,
            db: db.clone(),
            documents: documents.clone(),
            config: Arc::new(config),
            session_policy: crate::auth::sessions::SessionPolicy::default(),
            staff_admin,
            second_factors,
            applying,
            portal,
            vacancy_admin: vacancy_admin.clone(),
            selection,
            checks,
            references: references.clone(),
            reserve: reserve.clone(),
            rights,
        };
        Ok(Self {
            listener,
            router: router(state),
            address,
            db,
            documents,
            dispatcher,
            vacancy_admin,
            references,
            reserve,
            purger,
            purge_every_minutes,
            clock: services_clock,
        })
    }

    /// The purge service, for tests that purge on demand.
    #[must_use]
    pub fn purger(&self) -> crate::retention::Purger {
        self.purger.clone()
    }

    /// The address actually bound (its port is the real one when 0 was asked for).
    #[must_use]
    pub const fn address(&self) -> SocketAddr {
        self.address
    }

    /// The database, for tests that arrange data.
    #[must_use]
    pub fn database(&self) -> Database {
        self.db.clone()
    }

    /// The mail dispatcher, for tests that deliver on demand.
    #[must_use]
    pub fn dispatcher(&self) -> crate::mail::Dispatcher {
        self.dispatcher.clone()
    }

    /// Vacancy management, for tests that run the closing alerts on demand.
    #[must_use]
    pub fn vacancy_admin(&self) -> crate::vacancy_admin::VacancyAdmin {
        self.vacancy_admin.clone()
    }

    /// References, for tests that send reminders on demand.
    #[must_use]
    pub fn references(&self) -> crate::references::StoreReferences {
        self.references.clone()
    }

    /// Reserve-list renewal notices, for tests that send them on demand.
    #[must_use]
    pub fn reserve(&self) -> crate::reserve::StoreReserve {
        self.reserve.clone()
    }

    /// Document storage, for tests.
    #[must_use]
    pub fn documents(&self) -> Documents {
        self.documents.clone()
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests and closes the
    /// database pool.
    ///
    /// # Errors
    /// The server failed.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(address = %self.address, "listening");
        // The mail dispatcher runs beside the server and stops with it.
        let (stop_mail, mail_stopped) = tokio::sync::oneshot::channel::<()>();
        let mail = tokio::spawn(self.dispatcher.run(async move {
            let _ = mail_stopped.await;
        }));
        // So does the job that tells hiring managers their vacancy has closed.
        let (stop_alerts, alerts_stopped) = tokio::sync::oneshot::channel::<()>();
        let alerts = tokio::spawn(self.vacancy_admin.run_alerts(self.clock.clone(), async move {
            let _ = alerts_stopped.await;
        }));
        // And the one reminder to referees who have not answered.
        let (stop_reminders, reminders_stopped) = tokio::sync::oneshot::channel::<()>();
        let reminders =
            tokio::spawn(self.references.run_reminders(self.clock.clone(), async move {
                let _ = reminders_stopped.await;
            }));
        // And the notice a month before a reserve-list consent lapses.
        let (stop_notices, notices_stopped) = tokio::sync::oneshot::channel::<()>();
        let notices = tokio::spawn(self.reserve.run_notices(self.clock, async move {
            let _ = notices_stopped.await;
        }));
        // And the purge, when it is scheduled (only one instance purges at a time).
        let (stop_purge, purge_stopped) = tokio::sync::oneshot::channel::<()>();
        let purge = (self.purge_every_minutes > 0).then(|| {
            let every = std::time::Duration::from_secs(u64::from(self.purge_every_minutes) * 60);
            tokio::spawn(self.purger.run_every(every, async move {
                let _ = purge_stopped.await;
            }))
        });
        // The peer address is what the audit log and the sign-in rate limit record.
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await;
        let _ = stop_mail.send(());
        let _ = stop_alerts.send(());
        let _ = stop_reminders.send(());
        let _ = stop_notices.send(());
        let _ = stop_purge.send(());
        let _ = mail.await;
        let _ = alerts.await;
        let _ = reminders.await;
        let _ = notices.await;
        if let Some(purge) = purge {
            let _ = purge.await;
        }
        self.db.close().await;
        tracing::info!("stopped");
        result
    }
}

/// Connects to the configured database, brings its schema up to date and, when the
/// configured retention periods changed, recomputes every retention date.
///
/// # Errors
/// Unreachable database or failed migration.
pub async fn connect_and_migrate(config: &Config) -> anyhow::Result<Database> {
    let db = Database::connect(config.database_url.expose(), config.database_max_connections)
        .await
        .context("connecting to the database (check DATABASE_URL)")?;
    db.migrate().await.context("applying database migrations")?;
    let mut tx = db.begin().await?;
    let changed = crate::db::retention::configure(tx.conn(), &config.retention.periods).await?;
    tx.commit().await?;
    if changed > 0 {
        tracing::info!(changed, "retention periods changed; retention dates recomputed");
    }
    Ok(db)
}

/// The purge service over the configured stores.
///
/// # Errors
/// The erasure ledger's store could not be opened.
pub fn purger(
    config: &Config,
    db: &Database,
    documents: &Documents,
    pseudonyms: &Arc<crate::monitoring::Pseudonymiser>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<crate::retention::Purger> {
    let ledger = crate::retention::ledger::Ledger::new(
        open_object_store(&config.retention.ledger_url).context("opening the erasure ledger")?,
    );
    Ok(crate::retention::Purger::new(
        db.clone(),
        documents.clone(),
        Arc::clone(pseudonyms),
        ledger,
        clock,
    )
    .with_dbs_details_months(config.retention.dbs_details_months))
}

/// Completes on Ctrl-C or SIGTERM (what process managers send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
