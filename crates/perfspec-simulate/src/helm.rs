//! The Helm 3.11 client: `helm install --create-namespace` and `helm uninstall` (followed by
//! `kubectl delete namespace`), one request at a time, in the order Helm makes them.
//!
//! An install reads discovery and the release history, creates the chart's CRDs, checks that
//! none of the rendered objects exists yet (the `get`s that answer 404), creates the namespace
//! and the release record (`sh.helm.release.v1.NAME.v1`), runs the pre-install hooks, creates
//! the objects in Helm's kind order, runs the post-install hooks and marks the release deployed.
//! Every hook object is deleted first (`before-hook-creation`, 404), then created, and the
//! release record is updated in between; the hook job is listed and watched until it completes,
//! and its objects are deleted afterwards (`hook-succeeded`).

use std::collections::VecDeque;

use rand::RngExt;

use crate::catalog::{HookPhase, WorkloadKind, CRDS, JOBS, NAMESPACES, SECRETS};
use crate::cluster::{Cluster, Phase, Release, Task, MILLI, SECOND};
use crate::event_writer::{OpenWatch, Outcome, Query, Request, Selector};

const FIELD_MANAGER: Query<'static> = Query::Raw("?fieldManager=helm");
/// The `--timeout` Helm waits for hooks with, as its watch asks the server.
const HOOK_TIMEOUT_SECONDS: u32 = 300;

/// One request (or burst of requests) of a Helm command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HelmOp {
    /// The server version, for the chart's `kubeVersion` constraint.
    Version,
    /// A full discovery, as every `Build` of objects by Helm's kube client does.
    Discover,
    ListHistory,
    CreateCrd(u16),
    /// The existence check before creating an object.
    Get(u16),
    CreateNamespace,
    CreateRelease,
    UpdateRelease,
    HookDelete(u16),
    HookCreate(u16),
    /// List and watch a hook job until it has completed.
    HookWait(u16),
    HookCleanup(u16),
    Create(u16),
    Delete(u16),
    DeleteRelease,
    /// `kubectl delete namespace` once the release is gone.
    DeleteNamespace,
    Finish,
}

/// The Helm command in progress.
pub(super) struct HelmCommand {
    pub release: u32,
    pub chart: usize,
    pub uninstall: bool,
    ops: VecDeque<HelmOp>,
    waiting: Option<(u16, OpenWatch)>,
}

impl HelmCommand {
    /// Whether Helm is watching this release's hook job.
    pub fn waits_for(&self, release: u32, job: u16) -> bool {
        self.release == release && matches!(self.waiting, Some((waited, _)) if waited == job)
    }
}

impl Cluster {
    pub(super) fn begin_install(&mut self, chart: usize) {
        let id = self.next_release;
        self.next_release += 1;
        let plan = &self.charts[chart];
        let mut ops = VecDeque::new();
        ops.push_back(HelmOp::Version);
        ops.push_back(HelmOp::ListHistory);
        for crd in 0..plan.crds.len() as u16 {
            ops.push_back(HelmOp::Discover);
            ops.push_back(HelmOp::CreateCrd(crd));
        }
        if !plan.crds.is_empty() {
            // New CRDs invalidate Helm's discovery cache.
            ops.extend([HelmOp::Discover, HelmOp::Discover]);
        }
        ops.extend([HelmOp::Discover, HelmOp::Discover]);
        ops.extend(plan.install_order.iter().map(|object| HelmOp::Get(*object)));
        ops.push_back(HelmOp::Discover);
        ops.push_back(HelmOp::CreateNamespace);
        ops.push_back(HelmOp::CreateRelease);
        push_hooks(&mut ops, plan, HookPhase::PreInstall);
        ops.extend(
            plan.install_order
                .iter()
                .map(|object| HelmOp::Create(*object)),
        );
        push_hooks(&mut ops, plan, HookPhase::PostInstall);
        ops.push_back(HelmOp::UpdateRelease);
        ops.push_back(HelmOp::Finish);
        self.releases.push(Release {
            id,
            chart,
            phase: Phase::Installing,
            pods: Vec::new(),
            next_pod: 0,
            replica_sets: Vec::new(),
            revisions: Vec::new(),
            slices: Vec::new(),
            deleted: Vec::new(),
            finished_jobs: Vec::new(),
            swept: !plan.own_namespace,
        });
        self.start_command(HelmCommand {
            release: id,
            chart,
            uninstall: false,
            ops,
            waiting: None,
        });
        self.installs += 1;
    }

    pub(super) fn begin_uninstall(&mut self, release: u32) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        self.releases[index].phase = Phase::Uninstalling;
        let chart = self.releases[index].chart;
        let plan = &self.charts[chart];
        let mut ops = VecDeque::new();
        ops.push_back(HelmOp::Version);
        ops.push_back(HelmOp::ListHistory);
        ops.extend([HelmOp::Discover, HelmOp::Discover]);
        ops.push_back(HelmOp::UpdateRelease);
        push_hooks(&mut ops, plan, HookPhase::PreDelete);
        ops.extend(
            plan.uninstall_order
                .iter()
                .map(|object| HelmOp::Delete(*object)),
        );
        push_hooks(&mut ops, plan, HookPhase::PostDelete);
        ops.push_back(HelmOp::DeleteRelease);
        // Half the time the script also removes the namespace, which sends the namespace
        // controller through it; otherwise the next install finds it still there.
        if plan.own_namespace && self.rng.random_bool(0.5) {
            ops.push_back(HelmOp::DeleteNamespace);
        } else {
            self.releases[index].swept = true;
        }
        ops.push_back(HelmOp::Finish);
        self.start_command(HelmCommand {
            release,
            chart,
            uninstall: true,
            ops,
            waiting: None,
        });
        self.uninstalls += 1;
    }

    fn start_command(&mut self, command: HelmCommand) {
        self.helm = Some(command);
        let at = self.after(MILLI..30 * MILLI);
        self.queue.at(at, Task::Helm);
    }

    /// Wakes Helm up when the hook job it watches has completed.
    pub(super) fn hook_job_finished(&mut self, release: u32, job: u16) {
        if self
            .helm
            .as_ref()
            .is_some_and(|command| command.waits_for(release, job))
        {
            let at = self.after(20 * MILLI..200 * MILLI);
            self.queue.at(at, Task::Helm);
        }
    }

    pub(super) fn helm_step(&mut self) {
        let Some(command) = self.helm.as_mut() else {
            return;
        };
        let (release, chart) = (command.release, command.chart);
        if let Some((job, watch)) = command.waiting.take() {
            // The watch ends when Helm has seen the job complete.
            let plan = &self.charts[chart];
            let object = &plan.objects[usize::from(job)];
            self.log.end_watch(
                self.actors.helm,
                &Request::new("watch", &JOBS, plan.namespace_of(object), &object.name).query(
                    Query::Watch(Selector::Name(&object.name), HOOK_TIMEOUT_SECONDS),
                ),
                &watch,
            );
            let at = self.after(20 * MILLI..40 * MILLI);
            self.queue.at(at, Task::Helm);
            return;
        }
        let Some(op) = command.ops.pop_front() else {
            return;
        };
        let next = command.ops.front().copied();
        let Some(index) = self.release_index(release) else {
            // Cannot happen (a release outlives its commands), but never leave the driver idle.
            self.helm = None;
            let at = self.after(SECOND..2 * SECOND);
            self.queue.at(at, Task::NextCommand);
            return;
        };
        let gap = self.helm_op(index, chart, op, next);
        if let Some(gap) = gap {
            let at = self.log.now + gap;
            self.queue.at(at, Task::Helm);
        }
    }

    /// Makes the op's requests; returns how long Helm takes before its next request, or `None`
    /// when it waits (for a hook job) or is done.
    fn helm_op(
        &mut self,
        index: usize,
        chart: usize,
        op: HelmOp,
        next: Option<HelmOp>,
    ) -> Option<u64> {
        let helm = self.actors.helm;
        let release = self.releases[index].id;
        let plan = &self.charts[chart];
        let namespace = plan.namespace.as_str();
        match op {
            HelmOp::Version => {
                self.log.emit(helm, &Request::path("/version?timeout=32s"));
                Some(self.rng.random_range(2 * MILLI..10 * MILLI))
            }
            HelmOp::Discover => {
                for path in &self.discovery {
                    self.log
                        .emit(helm, &Request::path(path).query(Query::Raw("?timeout=32s")));
                }
                Some(self.rng.random_range(5 * MILLI..40 * MILLI))
            }
            HelmOp::ListHistory => {
                self.log.emit(
                    helm,
                    &Request::new("list", &SECRETS, namespace, "")
                        .query(Query::ReleaseHistory(&plan.release)),
                );
                Some(self.rng.random_range(10 * MILLI..60 * MILLI))
            }
            HelmOp::CreateCrd(crd) => {
                let name = &plan.crds[usize::from(crd)].1;
                let exists = self.crds_present.contains(name);
                self.log.emit(
                    helm,
                    &Request::new("create", &CRDS, "", name)
                        .query(FIELD_MANAGER)
                        .outcome(if exists {
                            Outcome::AlreadyExists
                        } else {
                            Outcome::Created
                        }),
                );
                if !exists {
                    self.crds_present.insert(name.clone());
                    let at = self.log.now + 3 * MILLI;
                    self.queue.at(
                        at,
                        Task::CrdEstablished {
                            chart: chart as u16,
                            crd,
                        },
                    );
                }
                Some(self.rng.random_range(50 * MILLI..250 * MILLI))
            }
            HelmOp::Get(object) => {
                let object = &plan.objects[usize::from(object)];
                self.log.emit(
                    helm,
                    &Request::new("get", &object.api, plan.namespace_of(object), &object.name)
                        .outcome(Outcome::NotFound),
                );
                Some(self.rng.random_range(MILLI..4 * MILLI))
            }
            HelmOp::CreateNamespace => {
                // `--create-namespace` tries anyway and accepts that it exists.
                let created = !self.namespaces.contains(namespace);
                self.log.emit(
                    helm,
                    &Request::new("create", &NAMESPACES, "", namespace)
                        .query(FIELD_MANAGER)
                        .outcome(if created {
                            Outcome::Created
                        } else {
                            Outcome::AlreadyExists
                        }),
                );
                if created {
                    self.namespaces.insert(namespace.to_string());
                    let at = self.log.now + 5 * MILLI;
                    self.queue.at(at, Task::NamespaceCreated { release });
                }
                Some(self.rng.random_range(20 * MILLI..60 * MILLI))
            }
            HelmOp::CreateRelease => {
                self.log.emit(
                    helm,
                    &Request::new("create", &SECRETS, namespace, &plan.release_secret),
                );
                Some(self.rng.random_range(300 * MILLI..800 * MILLI))
            }
            HelmOp::UpdateRelease => {
                self.log.emit(
                    helm,
                    &Request::new("update", &SECRETS, namespace, &plan.release_secret),
                );
                Some(self.rng.random_range(300 * MILLI..500 * MILLI))
            }
            HelmOp::HookDelete(object) => {
                let object = &plan.objects[usize::from(object)];
                self.log.emit(
                    helm,
                    &Request::new(
                        "delete",
                        &object.api,
                        plan.namespace_of(object),
                        &object.name,
                    )
                    .outcome(Outcome::NotFound),
                );
                Some(self.rng.random_range(300 * MILLI..500 * MILLI))
            }
            HelmOp::HookCreate(index_of) | HelmOp::Create(index_of) => {
                let object = &plan.objects[usize::from(index_of)];
                self.log.emit(
                    helm,
                    &Request::new(
                        "create",
                        &object.api,
                        plan.namespace_of(object),
                        &object.name,
                    )
                    .query(FIELD_MANAGER),
                );
                let api = object.api;
                let reaction = if object.workload.is_some() {
                    Some(Task::Workload {
                        release,
                        object: index_of,
                        step: 0,
                    })
                } else if api.resource == "services" {
                    Some(Task::ServiceCreated {
                        release,
                        object: index_of,
                    })
                } else {
                    None
                };
                let created = &mut self.releases[index];
                created.deleted.retain(|deleted| *deleted != index_of);
                if let Some(task) = reaction {
                    let at = self.log.now + self.rng.random_range(2 * MILLI..30 * MILLI);
                    self.queue.at(at, task);
                }
                let same_kind = matches!(next, Some(HelmOp::Create(following))
                    if self.charts[chart].objects[usize::from(following)].api.kind == api.kind);
                // Helm creates objects of one kind together, then moves to the next kind.
                let pause = if matches!(op, HelmOp::HookCreate(_)) {
                    30 * MILLI..60 * MILLI
                } else if same_kind {
                    200..3 * MILLI
                } else {
                    10 * MILLI..40 * MILLI
                };
                Some(self.rng.random_range(pause))
            }
            HelmOp::HookWait(job) => {
                let object = &plan.objects[usize::from(job)];
                let job_namespace = plan.namespace_of(object);
                self.log.emit(
                    helm,
                    &Request::new("list", &JOBS, job_namespace, &object.name)
                        .query(Query::List(Selector::Name(&object.name))),
                );
                let request = Request::new("watch", &JOBS, job_namespace, &object.name).query(
                    Query::Watch(Selector::Name(&object.name), HOOK_TIMEOUT_SECONDS),
                );
                let watch = self.log.start_watch(helm, &request);
                if self.releases[index].finished_jobs.contains(&job) {
                    // Already complete: the watch's first event says so.
                    self.log.end_watch(helm, &request, &watch);
                    return Some(self.rng.random_range(20 * MILLI..40 * MILLI));
                }
                if let Some(command) = self.helm.as_mut() {
                    command.waiting = Some((job, watch));
                }
                None
            }
            HelmOp::HookCleanup(object_index) | HelmOp::Delete(object_index) => {
                let object = &plan.objects[usize::from(object_index)];
                self.log.emit(
                    helm,
                    &Request::new(
                        "delete",
                        &object.api,
                        plan.namespace_of(object),
                        &object.name,
                    ),
                );
                let cleans_up = object.workload.is_some() || object.api.resource == "services";
                self.releases[index].deleted.push(object_index);
                if cleans_up {
                    let at = self.log.now + self.rng.random_range(5 * MILLI..40 * MILLI);
                    self.queue.at(
                        at,
                        Task::ObjectDeleted {
                            release,
                            object: object_index,
                        },
                    );
                }
                Some(self.rng.random_range(20 * MILLI..40 * MILLI))
            }
            HelmOp::DeleteRelease => {
                self.log.emit(
                    helm,
                    &Request::new("delete", &SECRETS, namespace, &plan.release_secret),
                );
                if next == Some(HelmOp::DeleteNamespace) {
                    Some(self.rng.random_range(SECOND..3 * SECOND))
                } else {
                    Some(self.rng.random_range(20 * MILLI..60 * MILLI))
                }
            }
            HelmOp::DeleteNamespace => {
                self.log.emit(
                    self.actors.kubectl,
                    &Request::new("delete", &NAMESPACES, "", namespace),
                );
                let at = self.log.now + self.rng.random_range(500 * MILLI..2 * SECOND);
                self.queue.at(at, Task::NamespaceSweep { release, step: 0 });
                Some(self.rng.random_range(20 * MILLI..60 * MILLI))
            }
            HelmOp::Finish => {
                let has_operator = plan.operator.is_some();
                let uninstall = self.helm.as_ref().is_some_and(|command| command.uninstall);
                self.helm = None;
                if uninstall {
                    self.releases[index].phase = Phase::Uninstalled;
                    self.retire_if_gone(index);
                } else {
                    self.releases[index].phase = Phase::Installed;
                    if has_operator {
                        let at = self.after(3 * SECOND..10 * SECOND);
                        self.queue.at(at, Task::Operator { release, round: 0 });
                    }
                }
                let at = self.after(3 * SECOND..20 * SECOND);
                self.queue.at(at, Task::NextCommand);
                None
            }
        }
    }
}

/// The requests of a phase's hooks: for each object, delete (before-hook-creation), update the
/// release record, create; then wait for the job; then delete every object (hook-succeeded).
/// Helm builds each hook object on its own, so a discovery precedes each step.
fn push_hooks(ops: &mut VecDeque<HelmOp>, plan: &crate::cluster::ChartPlan, phase: HookPhase) {
    for hook in plan.hooks.iter().filter(|hook| hook.phase == phase) {
        for object in &hook.objects {
            ops.extend([
                HelmOp::Discover,
                HelmOp::HookDelete(*object),
                HelmOp::Discover,
                HelmOp::UpdateRelease,
                HelmOp::HookCreate(*object),
            ]);
        }
        if let Some(job) = hook.objects.iter().copied().find(|object| {
            plan.objects[usize::from(*object)]
                .workload
                .as_ref()
                .is_some_and(|workload| workload.kind == WorkloadKind::Job)
        }) {
            ops.push_back(HelmOp::HookWait(job));
        }
        for object in &hook.objects {
            ops.extend([HelmOp::Discover, HelmOp::HookCleanup(*object)]);
        }
    }
}
