//! The simulated cluster: its nodes and clients, the charts it knows, the releases that live on
//! it, and a time-ordered queue of what happens next.
//!
//! The simulation is a discrete-event one. Every task is due at a time; running it writes the
//! requests one client makes at that moment and schedules what follows (the reactions of other
//! clients, or its own next round). The queue holds only what is pending, so memory stays flat
//! however long the log grows.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rustc_hash::FxHashSet;

use crate::catalog::{
    self, Api, Chart, HookPhase, WorkloadKind, CHARTS, CLUSTERROLEBINDINGS, CLUSTERROLES,
    CONFIGMAPS, CSIDRIVERS, CSINODES, CSISTORAGECAPACITIES, DAEMONSETS, DEPLOYMENTS, ENDPOINTS,
    ENDPOINTSLICES, FLOWSCHEMAS, HPAS, INGRESSCLASSES, INGRESSES, JOBS, LEASES, LIMITRANGES,
    MUTATING_WEBHOOKS, NAMESPACES, NETWORKPOLICIES, NODES, PDBS, PERSISTENTVOLUMES, PODS,
    PRIORITYCLASSES, PRIORITYLEVELS, PVCS, REPLICASETS, REPLICATIONCONTROLLERS, RESOURCEQUOTAS,
    ROLEBINDINGS, ROLES, RUNTIMECLASSES, SECRETS, SERVICEACCOUNTS, SERVICES, STATEFULSETS,
    STORAGECLASSES, VALIDATING_WEBHOOKS, VOLUMEATTACHMENTS,
};
use crate::event_writer::{Actor, ActorId, EventLog, OpenWatch, Query, Request, Selector};
use crate::helm::HelmCommand;
use crate::SimulationLimit;

pub(super) const SECOND: u64 = 1_000_000;
pub(super) const MILLI: u64 = 1_000;

const KUBERNETES_VERSION: &str = "v1.26.1 (linux/amd64) kubernetes/8f94681";
const CONTROL_PLANE_IP: &str = "10.0.0.10";
const ADMIN_IP: &str = "192.168.1.50";
/// How many releases may be installed at once before the driver prefers uninstalling.
const MAX_INSTALLED: usize = 4;

/// Something that happens at a given time.
#[derive(Debug, Clone, Copy)]
pub(super) enum Task {
    /// A leader-election or heartbeat lease renewal.
    Lease(LeaseHolder),
    /// A kubelet reports its node's status.
    NodeStatus(u8),
    /// The control-plane kubelet probes the API server (`/readyz` every second, `/livez` every
    /// ten).
    Probe(u8),
    /// A controller re-reads the API's discovery documents (`client` indexes
    /// [`Cluster::discovery_clients`]).
    Discovery(u8),
    /// The API server's own start-up checks of its flow-control configuration.
    ApiserverStartup,
    WatchStart(u32),
    WatchEnd(u32),
    /// The driver picks the next Helm command.
    NextCommand,
    /// The running Helm command makes its next request.
    Helm,
    /// The release's operator renews its lease and reports on its objects.
    Operator {
        release: u32,
        round: u32,
    },
    /// Controllers that act on every new namespace.
    NamespaceCreated {
        release: u32,
    },
    /// The API server accepts a new CRD's names and establishes it.
    CrdEstablished {
        chart: u16,
        crd: u16,
    },
    /// A workload controller acts on a workload object (`step` 1 is the ReplicaSet of a
    /// Deployment).
    Workload {
        release: u32,
        object: u16,
        step: u8,
    },
    /// The endpoints controllers act on a new service.
    ServiceCreated {
        release: u32,
        object: u16,
    },
    /// The next step of a pod's life.
    Pod {
        release: u32,
        pod: u32,
        step: PodStep,
    },
    /// Helm deleted an object: the garbage collector and endpoints controller clean up after it.
    ObjectDeleted {
        release: u32,
        object: u16,
    },
    /// The namespace controller empties a deleted namespace, one request per step.
    NamespaceSweep {
        release: u32,
        step: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LeaseHolder {
    ControllerManager,
    Scheduler,
    Apiserver,
    Node(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PodStep {
    Bind,
    Admit,
    Start,
    Ready,
    Succeed,
    Terminate,
    Remove,
}

struct Scheduled {
    at: u64,
    sequence: u64,
    task: Task,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Tasks due at the same time run in the order they were scheduled, which keeps the run
    /// deterministic.
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.sequence).cmp(&(other.at, other.sequence))
    }
}

/// Pending tasks, earliest first.
#[derive(Default)]
pub(super) struct Queue {
    heap: BinaryHeap<Reverse<Scheduled>>,
    sequence: u64,
}

impl Queue {
    pub fn at(&mut self, at: u64, task: Task) {
        self.sequence += 1;
        self.heap.push(Reverse(Scheduled {
            at,
            sequence: self.sequence,
            task,
        }));
    }

    fn pop(&mut self) -> Option<(u64, Task)> {
        self.heap.pop().map(|Reverse(item)| (item.at, item.task))
    }
}

pub(super) struct Node {
    pub name: String,
    pub kubelet: ActorId,
    pub proxy: ActorId,
    pub flannel: ActorId,
}

/// The clients every cluster has.
pub(super) struct Actors {
    pub helm: ActorId,
    pub kubectl: ActorId,
    pub apiserver: ActorId,
    pub probe: ActorId,
    pub controller_manager: ActorId,
    pub controller_manager_leader: ActorId,
    pub scheduler: ActorId,
    pub scheduler_leader: ActorId,
    pub garbage_collector: ActorId,
    pub resource_quota: ActorId,
    pub namespace: ActorId,
    pub deployment: ActorId,
    pub replicaset: ActorId,
    pub statefulset: ActorId,
    pub daemonset: ActorId,
    pub job: ActorId,
    pub endpoint: ActorId,
    pub endpointslice: ActorId,
    pub service_account: ActorId,
    pub root_ca: ActorId,
    pub volume_binder: ActorId,
    pub coredns: [ActorId; 2],
}

/// Where an object of a chart lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placement {
    Release,
    KubeSystem,
    Cluster,
}

pub(super) struct WorkloadPlan {
    pub kind: WorkloadKind,
    pub replicas: u8,
    /// Services whose endpoints list this workload's pods.
    pub services: Vec<u16>,
    pub service_account: String,
}

/// One object a chart's templates render.
pub(super) struct Object {
    pub api: Api,
    pub name: String,
    pub placement: Placement,
    pub workload: Option<WorkloadPlan>,
}

pub(super) struct HookPlan {
    pub phase: HookPhase,
    /// The hook's objects in creation order, the job last.
    pub objects: Vec<u16>,
}

/// A chart made concrete for its release: every object with its final name.
pub(super) struct ChartPlan {
    /// The catalog entry; the log shows only what the plan derives from it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub chart: &'static Chart,
    pub release: String,
    pub namespace: String,
    /// The namespace is the chart's own: created for the install, deleted after the uninstall.
    pub own_namespace: bool,
    /// Manifest and hook objects alike.
    pub objects: Vec<Object>,
    pub install_order: Vec<u16>,
    pub uninstall_order: Vec<u16>,
    /// Custom resources from `crds/`, with their CRD object names.
    pub crds: Vec<(Api, String)>,
    pub hooks: Vec<HookPlan>,
    pub webhooks: Vec<u16>,
    /// Objects of custom resources, whose status the operator keeps up to date.
    pub custom_objects: Vec<u16>,
    pub operator: Option<ActorId>,
    pub lease: String,
    pub release_secret: String,
    /// Charts that cannot be installed while this one is: they share a namespace or a cluster-wide
    /// object name with it.
    pub conflicts: Vec<usize>,
}

impl ChartPlan {
    pub fn namespace_of(&self, object: &Object) -> &str {
        match object.placement {
            Placement::Release => &self.namespace,
            Placement::KubeSystem => "kube-system",
            Placement::Cluster => "",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Installing,
    Installed,
    Uninstalling,
    /// Helm is done; what is left goes with the garbage collector and the namespace controller.
    Uninstalled,
}

pub(super) struct Pod {
    pub key: u32,
    pub name: String,
    pub node: u8,
    pub owner: u16,
    /// The scheduler has bound it to its node.
    pub bound: bool,
    pub ready: bool,
    pub terminating: bool,
}

/// A release of a chart, from its install until the last of its pods is gone.
pub(super) struct Release {
    pub id: u32,
    pub chart: usize,
    pub phase: Phase,
    pub pods: Vec<Pod>,
    pub next_pod: u32,
    /// ReplicaSets (by their Deployment), controller revisions (by StatefulSet or DaemonSet) and
    /// endpoint slices (by Service) that controllers made for this release.
    pub replica_sets: Vec<(u16, String)>,
    pub revisions: Vec<(u16, String)>,
    pub slices: Vec<(u16, String)>,
    /// Objects Helm has deleted; controllers no longer act on them.
    pub deleted: Vec<u16>,
    pub finished_jobs: Vec<u16>,
    /// The namespace controller has finished (or the namespace is not the release's own).
    pub swept: bool,
}

/// A long-running watch of an informer, restarted whenever the server ends it.
pub(super) struct Watch {
    pub actor: ActorId,
    pub api: Api,
    pub namespace: &'static str,
    pub selector: WatchSelector,
    pub open: Option<OpenWatch>,
    pub timeout: u32,
    /// Informers list once before their first watch.
    pub listed: bool,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum WatchSelector {
    None,
    Name(&'static str),
    /// The watching kubelet's own pods: those on its node, by index.
    Node(u8),
    /// The watcher's own node object, by index.
    NodeName(u8),
    Raw(&'static str),
}

pub(super) struct Cluster {
    pub log: EventLog,
    pub rng: ChaCha8Rng,
    pub queue: Queue,
    pub nodes: Vec<Node>,
    pub actors: Actors,
    pub charts: Vec<ChartPlan>,
    pub releases: Vec<Release>,
    pub next_release: u32,
    pub helm: Option<HelmCommand>,
    pub watches: Vec<Watch>,
    /// Discovery paths: `/api`, `/apis`, `/api/v1` and every served group-version.
    pub discovery: Vec<String>,
    pub discovery_clients: [ActorId; 2],
    /// Namespaced custom resources served so far; CRDs outlive their charts' releases.
    pub custom_types: Vec<Api>,
    pub crds_present: FxHashSet<String>,
    /// Namespaces that exist; an uninstall leaves the chart's namespace behind half the time.
    pub namespaces: FxHashSet<String>,
    /// `namespace/claim` of volume claims made from StatefulSet templates: they outlive their
    /// pods and StatefulSet, until their namespace goes.
    pub claims: FxHashSet<String>,
    pub installs: u64,
    pub uninstalls: u64,
    /// Reused for generated names (events, pods) to spare an allocation per event.
    pub scratch: String,
}

impl Cluster {
    pub fn new(seed: u64, limit: SimulationLimit) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Somewhere in 2023, at a seed-chosen second and microsecond.
        let start = 1_672_531_200 * SECOND + rng.random_range(0..365 * 86_400 * SECOND);
        let mut log = EventLog::new(seed, start, limit);
        let actors = control_plane_actors(&mut log);
        let workers = rng.random_range(3..=5u8);
        let nodes = nodes(&mut log, workers);
        let discovery_clients = [actors.garbage_collector, actors.resource_quota];
        let mut cluster = Self {
            log,
            rng,
            queue: Queue::default(),
            nodes,
            actors,
            charts: Vec::new(),
            releases: Vec::new(),
            next_release: 1,
            helm: None,
            watches: Vec::new(),
            discovery: ["/api", "/apis", "/api/v1"]
                .iter()
                .map(|path| path.to_string())
                .chain(
                    catalog::BUILTIN_GROUP_VERSIONS
                        .iter()
                        .map(|group_version| format!("/apis/{group_version}")),
                )
                .collect(),
            discovery_clients,
            custom_types: Vec::new(),
            crds_present: FxHashSet::default(),
            namespaces: [
                "default",
                "kube-system",
                "kube-public",
                "kube-node-lease",
                "kube-flannel",
            ]
            .iter()
            .map(|namespace| namespace.to_string())
            .collect(),
            claims: FxHashSet::default(),
            installs: 0,
            uninstalls: 0,
            scratch: String::with_capacity(128),
        };
        cluster.charts = CHARTS
            .iter()
            .map(|chart| cluster.plan_chart(chart))
            .collect();
        find_conflicts(&mut cluster.charts);
        cluster.add_watches();
        cluster.schedule_background(start);
        cluster
    }

    /// Runs the next task; false once nothing more will be written.
    pub fn step(&mut self) -> bool {
        if self.log.done() {
            return false;
        }
        let Some((at, task)) = self.queue.pop() else {
            return false;
        };
        self.log.now = self.log.now.max(at);
        self.run(task);
        !self.log.done()
    }

    /// Hands the text written so far to `write` and forgets it.
    pub fn drain(
        &mut self,
        write: impl FnOnce(&str) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let result = write(self.log.pending());
        self.log.clear_pending();
        result
    }

    pub fn pending_len(&self) -> usize {
        self.log.pending().len()
    }

    fn run(&mut self, task: Task) {
        match task {
            Task::Lease(holder) => self.renew_lease(holder),
            Task::NodeStatus(node) => self.node_status(node),
            Task::Probe(count) => self.probe(count),
            Task::Discovery(client) => self.periodic_discovery(client),
            Task::ApiserverStartup => self.apiserver_startup(),
            Task::WatchStart(watch) => self.start_watch(watch),
            Task::WatchEnd(watch) => self.end_watch(watch),
            Task::NextCommand => self.next_command(),
            Task::Helm => self.helm_step(),
            Task::Operator { release, round } => self.operator(release, round),
            Task::NamespaceCreated { release } => self.namespace_created(release),
            Task::CrdEstablished { chart, crd } => self.crd_established(chart, crd),
            Task::Workload {
                release,
                object,
                step,
            } => self.sync_workload(release, object, step),
            Task::ServiceCreated { release, object } => self.service_created(release, object),
            Task::Pod { release, pod, step } => self.pod_step(release, pod, step),
            Task::ObjectDeleted { release, object } => self.object_deleted(release, object),
            Task::NamespaceSweep { release, step } => self.sweep_namespace(release, step),
        }
    }

    /// A time `range` microseconds from now.
    pub fn after(&mut self, range: std::ops::Range<u64>) -> u64 {
        self.log.now + self.rng.random_range(range)
    }

    pub fn release_index(&self, id: u32) -> Option<usize> {
        self.releases.iter().position(|release| release.id == id)
    }

    /// Forgets a release once Helm, the namespace controller and the kubelets are all done
    /// with it.
    pub fn retire_if_gone(&mut self, index: usize) {
        let release = &self.releases[index];
        if release.phase == Phase::Uninstalled && release.swept && release.pods.is_empty() {
            self.releases.remove(index);
        }
    }

    /// Writes `create events` for an event about `object` (named `object.<16 hex>`), through
    /// the core API as the kubelet and most controllers do.
    pub fn record_event(&mut self, actor: ActorId, namespace: &str, object: &str) {
        self.scratch.clear();
        self.scratch.push_str(object);
        self.scratch.push('.');
        self.log.push_hex(&mut self.scratch, 16);
        self.log.emit(
            actor,
            &Request::new("create", &catalog::EVENTS, namespace, &self.scratch),
        );
    }

    fn plan_chart(&mut self, chart: &'static Chart) -> ChartPlan {
        let release = format!("my-{}", chart.name);
        let namespace = chart.namespace.to_string();
        let mut objects: Vec<Object> = Vec::new();
        let resolve = |spec: &str| resolve_name(spec, &release);
        let add = |objects: &mut Vec<Object>, api: Api, spec: &str| -> u16 {
            let (kube_system, name) = resolve(spec);
            let placement = if !api.namespaced {
                Placement::Cluster
            } else if kube_system {
                Placement::KubeSystem
            } else {
                Placement::Release
            };
            objects.push(Object {
                api,
                name,
                placement,
                workload: None,
            });
            (objects.len() - 1) as u16
        };

        for spec in chart.service_accounts {
            add(&mut objects, SERVICEACCOUNTS, spec);
        }
        for spec in chart.secrets {
            add(&mut objects, SECRETS, spec);
        }
        for spec in chart.config_maps {
            add(&mut objects, CONFIGMAPS, spec);
        }
        for spec in chart.pvcs {
            add(&mut objects, PVCS, spec);
        }
        for spec in chart.cluster_rbac {
            add(&mut objects, CLUSTERROLES, spec);
            add(&mut objects, CLUSTERROLEBINDINGS, spec);
        }
        for spec in chart.rbac {
            add(&mut objects, ROLES, spec);
            add(&mut objects, ROLEBINDINGS, spec);
        }
        let services: Vec<u16> = chart
            .services
            .iter()
            .map(|spec| add(&mut objects, SERVICES, spec))
            .collect();
        let first_account = chart
            .service_accounts
            .first()
            .map(|spec| resolve(spec).1)
            .unwrap_or_else(|| "default".to_string());
        for workload in chart.workloads {
            let index = add(&mut objects, workload.kind.api(), workload.name);
            let name = objects[usize::from(index)].name.clone();
            let backs: Vec<String> = if workload.backs.is_empty() {
                vec![name.clone()]
            } else {
                workload.backs.iter().map(|spec| resolve(spec).1).collect()
            };
            let service_account = chart
                .service_accounts
                .iter()
                .map(|spec| resolve(spec).1)
                .find(|account| *account == name)
                .unwrap_or_else(|| first_account.clone());
            objects[usize::from(index)].workload = Some(WorkloadPlan {
                kind: workload.kind,
                replicas: workload.replicas,
                services: services
                    .iter()
                    .copied()
                    .filter(|service| backs.contains(&objects[usize::from(*service)].name))
                    .collect(),
                service_account,
            });
        }
        let mut custom_objects = Vec::new();
        for (api, spec) in chart.objects {
            let index = add(&mut objects, *api, spec);
            if api.install_rank() == u8::MAX {
                custom_objects.push(index);
            }
        }
        let mut webhooks = Vec::new();
        for spec in chart.validating_webhooks {
            webhooks.push(add(&mut objects, VALIDATING_WEBHOOKS, spec));
        }
        for spec in chart.mutating_webhooks {
            webhooks.push(add(&mut objects, MUTATING_WEBHOOKS, spec));
        }

        let manifest_len = objects.len() as u16;
        let mut install_order: Vec<u16> = (0..manifest_len).collect();
        install_order.sort_by_key(|index| {
            let api = &objects[usize::from(*index)].api;
            (api.install_rank(), api.kind)
        });
        let mut uninstall_order: Vec<u16> = (0..manifest_len).collect();
        uninstall_order.sort_by_key(|index| {
            let api = &objects[usize::from(*index)].api;
            (api.uninstall_rank(), api.kind)
        });

        let mut hooks = Vec::new();
        for hook in chart.hooks {
            let mut members = Vec::new();
            if let Some(rbac) = hook.rbac {
                members.push(add(&mut objects, SERVICEACCOUNTS, rbac));
                if hook.cluster {
                    members.push(add(&mut objects, CLUSTERROLES, rbac));
                    members.push(add(&mut objects, CLUSTERROLEBINDINGS, rbac));
                }
                members.push(add(&mut objects, ROLES, rbac));
                members.push(add(&mut objects, ROLEBINDINGS, rbac));
            }
            let job = add(&mut objects, JOBS, hook.job);
            objects[usize::from(job)].workload = Some(WorkloadPlan {
                kind: WorkloadKind::Job,
                replicas: 1,
                services: Vec::new(),
                service_account: hook
                    .rbac
                    .map(|rbac| resolve(rbac).1)
                    .unwrap_or_else(|| first_account.clone()),
            });
            members.push(job);
            hooks.push(HookPlan {
                phase: hook.phase,
                objects: members,
            });
        }

        let operator = chart.operator.map(|spec| {
            let account = resolve(spec).1;
            let reason = if let Some(binding) = chart.cluster_rbac.first() {
                let binding = resolve(binding).1;
                format!(
                    "RBAC: allowed by ClusterRoleBinding \"{binding}\" of ClusterRole \"{binding}\" to ServiceAccount \"{account}/{namespace}\""
                )
            } else if let Some(binding) = chart.rbac.first() {
                let binding = resolve(binding).1;
                format!(
                    "RBAC: allowed by RoleBinding \"{binding}/{namespace}\" of Role \"{binding}\" to ServiceAccount \"{account}/{namespace}\""
                )
            } else {
                String::new()
            };
            let pod_ip = format!(
                "10.244.{}.{}",
                self.rng.random_range(1..=3u8),
                self.rng.random_range(2..250u8)
            );
            self.log.add_actor(Actor::new(
                &format!("system:serviceaccount:{namespace}:{account}"),
                &[
                    "system:serviceaccounts",
                    &format!("system:serviceaccounts:{namespace}"),
                    "system:authenticated",
                ],
                &pod_ip,
                &format!("{}/v0.0.0 (linux/amd64) kubernetes/$Format", chart.name),
                &reason,
            ))
        });

        ChartPlan {
            chart,
            own_namespace: namespace != "kube-system",
            crds: chart
                .crds
                .iter()
                .map(|api| (*api, api.crd_name()))
                .collect(),
            lease: format!("{release}-leader-election"),
            release_secret: format!("sh.helm.release.v1.{release}.v1"),
            release,
            namespace,
            objects,
            install_order,
            uninstall_order,
            hooks,
            webhooks,
            custom_objects,
            operator,
            conflicts: Vec::new(),
        }
    }

    fn add_watches(&mut self) {
        let add = |watches: &mut Vec<Watch>, actor, api, namespace, selector| {
            watches.push(Watch {
                actor,
                api,
                namespace,
                selector,
                open: None,
                timeout: 0,
                listed: false,
            });
        };
        let watches = &mut self.watches;
        for (index, node) in self.nodes.iter().enumerate() {
            let kubelet = node.kubelet;
            let own = WatchSelector::Node(index as u8);
            add(watches, kubelet, PODS, "", own);
            add(
                watches,
                kubelet,
                NODES,
                "",
                WatchSelector::NodeName(index as u8),
            );
            add(watches, kubelet, SERVICES, "", WatchSelector::None);
            add(watches, kubelet, CSIDRIVERS, "", WatchSelector::None);
            add(watches, kubelet, RUNTIMECLASSES, "", WatchSelector::None);
            for (namespace, name) in [
                ("kube-system", "kube-proxy"),
                ("kube-system", "kube-root-ca.crt"),
                ("kube-flannel", "kube-flannel-cfg"),
                ("kube-flannel", "kube-root-ca.crt"),
            ] {
                add(
                    watches,
                    kubelet,
                    CONFIGMAPS,
                    namespace,
                    WatchSelector::Name(name),
                );
            }
            add(watches, node.proxy, SERVICES, "", WatchSelector::Raw(
                "labelSelector=%21service.kubernetes.io%2Fheadless%2C%21service.kubernetes.io%2Fservice-proxy-name",
            ));
            add(watches, node.proxy, ENDPOINTSLICES, "", WatchSelector::Raw(
                "labelSelector=%21service.kubernetes.io%2Fheadless%2C%21service.kubernetes.io%2Fservice-proxy-name",
            ));
            add(
                watches,
                node.proxy,
                NODES,
                "",
                WatchSelector::NodeName(index as u8),
            );
            add(watches, node.flannel, NODES, "", WatchSelector::None);
        }
        let informers = self.actors.controller_manager;
        for api in [
            PODS,
            NODES,
            NAMESPACES,
            SERVICES,
            ENDPOINTS,
            ENDPOINTSLICES,
            REPLICASETS,
            DEPLOYMENTS,
            STATEFULSETS,
            DAEMONSETS,
            JOBS,
            catalog::CRONJOBS,
            catalog::CONTROLLERREVISIONS,
            SERVICEACCOUNTS,
            SECRETS,
            CONFIGMAPS,
            PERSISTENTVOLUMES,
            PVCS,
            PDBS,
            RESOURCEQUOTAS,
            LIMITRANGES,
            HPAS,
            INGRESSES,
            NETWORKPOLICIES,
            ROLES,
            ROLEBINDINGS,
            CLUSTERROLES,
            CLUSTERROLEBINDINGS,
            LEASES,
            CSINODES,
            CSIDRIVERS,
            STORAGECLASSES,
            VOLUMEATTACHMENTS,
            REPLICATIONCONTROLLERS,
            catalog::PODTEMPLATES,
            PRIORITYCLASSES,
            VALIDATING_WEBHOOKS,
            MUTATING_WEBHOOKS,
            RUNTIMECLASSES,
            INGRESSCLASSES,
        ] {
            add(watches, informers, api, "", WatchSelector::None);
        }
        let scheduler = self.actors.scheduler;
        add(
            watches,
            scheduler,
            PODS,
            "",
            WatchSelector::Raw(
                "fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed",
            ),
        );
        for api in [
            NODES,
            NAMESPACES,
            PERSISTENTVOLUMES,
            PVCS,
            SERVICES,
            REPLICATIONCONTROLLERS,
            REPLICASETS,
            STATEFULSETS,
            PDBS,
            STORAGECLASSES,
            CSIDRIVERS,
            CSINODES,
            CSISTORAGECAPACITIES,
        ] {
            add(watches, scheduler, api, "", WatchSelector::None);
        }
        add(
            watches,
            scheduler,
            CONFIGMAPS,
            "kube-system",
            WatchSelector::Name("extension-apiserver-authentication"),
        );
        for coredns in self.actors.coredns {
            for api in [SERVICES, ENDPOINTSLICES, NAMESPACES] {
                add(watches, coredns, api, "", WatchSelector::None);
            }
        }
        let apiserver = self.actors.apiserver;
        for api in [
            NAMESPACES,
            SERVICES,
            ENDPOINTS,
            SERVICEACCOUNTS,
            SECRETS,
            CLUSTERROLES,
            CLUSTERROLEBINDINGS,
            ROLES,
            ROLEBINDINGS,
            PRIORITYCLASSES,
            FLOWSCHEMAS,
            PRIORITYLEVELS,
            catalog::APISERVICES,
            catalog::CRDS,
            VALIDATING_WEBHOOKS,
            MUTATING_WEBHOOKS,
            RESOURCEQUOTAS,
            LIMITRANGES,
        ] {
            add(watches, apiserver, api, "", WatchSelector::None);
        }
    }

    /// The audit log starts as the API server comes back with the audit policy: every informer
    /// lists and watches again within a few seconds, and the periodic clients resume.
    fn schedule_background(&mut self, start: u64) {
        self.queue.at(start, Task::ApiserverStartup);
        for watch in 0..self.watches.len() as u32 {
            let at = start + self.rng.random_range(0..3 * SECOND);
            self.queue.at(at, Task::WatchStart(watch));
        }
        for holder in [
            LeaseHolder::ControllerManager,
            LeaseHolder::Scheduler,
            LeaseHolder::Apiserver,
        ] {
            let at = start + self.rng.random_range(0..2 * SECOND);
            self.queue.at(at, Task::Lease(holder));
        }
        for node in 0..self.nodes.len() as u8 {
            let at = start + self.rng.random_range(0..10 * SECOND);
            self.queue.at(at, Task::Lease(LeaseHolder::Node(node)));
            let at = start + self.rng.random_range(0..30 * SECOND);
            self.queue.at(at, Task::NodeStatus(node));
        }
        self.queue
            .at(start + self.rng.random_range(0..SECOND), Task::Probe(0));
        for client in 0..self.discovery_clients.len() as u8 {
            let at = start + self.rng.random_range(0..30 * SECOND);
            self.queue.at(at, Task::Discovery(client));
        }
        let at = start + self.rng.random_range(3 * SECOND..8 * SECOND);
        self.queue.at(at, Task::NextCommand);
    }

    fn renew_lease(&mut self, holder: LeaseHolder) {
        let (actor, namespace, name, query, period): (ActorId, &str, &str, &'static str, u64) =
            match holder {
                LeaseHolder::ControllerManager => (
                    self.actors.controller_manager_leader,
                    "kube-system",
                    "kube-controller-manager",
                    "?timeout=5s",
                    2 * SECOND,
                ),
                LeaseHolder::Scheduler => (
                    self.actors.scheduler_leader,
                    "kube-system",
                    "kube-scheduler",
                    "?timeout=5s",
                    2 * SECOND,
                ),
                LeaseHolder::Apiserver => (
                    self.actors.apiserver,
                    "kube-system",
                    "kube-apiserver-5vfw4xtnrojqkxlbvz6tvy4f5e",
                    "",
                    10 * SECOND,
                ),
                LeaseHolder::Node(node) => (
                    self.nodes[usize::from(node)].kubelet,
                    "kube-node-lease",
                    &self.nodes[usize::from(node)].name,
                    "?timeout=10s",
                    10 * SECOND,
                ),
            };
        // Leader election reads the lease before renewing it; heartbeats just renew.
        if matches!(
            holder,
            LeaseHolder::ControllerManager | LeaseHolder::Scheduler
        ) {
            self.log.emit(
                actor,
                &Request::new("get", &LEASES, namespace, name).query(Query::Raw(query)),
            );
        }
        self.log.emit(
            actor,
            &Request::new("update", &LEASES, namespace, name).query(Query::Raw(query)),
        );
        let at = self.log.now + period + self.rng.random_range(0..40 * MILLI);
        self.queue.at(at, Task::Lease(holder));
    }

    fn node_status(&mut self, node: u8) {
        let kubelet = self.nodes[usize::from(node)].kubelet;
        self.log.emit(
            kubelet,
            &Request::new("patch", &NODES, "", &self.nodes[usize::from(node)].name)
                .sub("status")
                .query(Query::Raw("?timeout=10s")),
        );
        let at = self.after(10 * SECOND..60 * SECOND);
        self.queue.at(at, Task::NodeStatus(node));
    }

    fn probe(&mut self, count: u8) {
        self.log.emit(self.actors.probe, &Request::path("/readyz"));
        if count == 0 {
            self.log.emit(self.actors.probe, &Request::path("/livez"));
        }
        let at = self.after(SECOND - 2 * MILLI..SECOND + 2 * MILLI);
        self.queue.at(at, Task::Probe((count + 1) % 10));
    }

    /// The garbage collector and the resource-quota controller re-read discovery every 30 s to
    /// notice new resources.
    fn periodic_discovery(&mut self, client: u8) {
        let actor = self.discovery_clients[usize::from(client)];
        self.discover(actor, Query::None);
        let at = self.after(30 * SECOND..30 * SECOND + 50 * MILLI);
        self.queue.at(at, Task::Discovery(client));
    }

    /// One full discovery: the root documents, then every group-version.
    pub fn discover(&mut self, actor: ActorId, query: Query<'static>) {
        for path in &self.discovery {
            self.log.emit(actor, &Request::path(path).query(query));
        }
    }

    fn apiserver_startup(&mut self) {
        let apiserver = self.actors.apiserver;
        for name in [
            "exempt",
            "probes",
            "system-leader-election",
            "endpoint-controller",
            "workload-leader-election",
            "system-node-high",
            "system-nodes",
            "kube-controller-manager",
            "kube-scheduler",
            "kube-system-service-accounts",
            "service-accounts",
            "global-default",
            "catch-all",
        ] {
            self.log
                .emit(apiserver, &Request::new("get", &FLOWSCHEMAS, "", name));
        }
        for name in [
            "exempt",
            "system",
            "node-high",
            "leader-election",
            "workload-high",
            "workload-low",
            "global-default",
            "catch-all",
        ] {
            self.log
                .emit(apiserver, &Request::new("get", &PRIORITYLEVELS, "", name));
        }
    }

    fn start_watch(&mut self, index: u32) {
        let watch = &self.watches[index as usize];
        if !watch.listed {
            let request = watch_request(watch, &self.nodes, "list");
            self.log.emit(watch.actor, &request);
        }
        // client-go asks for a random timeout between 5 and 10 minutes.
        let timeout = self.rng.random_range(300..600u32);
        let watch = &mut self.watches[index as usize];
        watch.listed = true;
        watch.timeout = timeout;
        let watch = &self.watches[index as usize];
        let request = watch_request(watch, &self.nodes, "watch");
        let open = self.log.start_watch(watch.actor, &request);
        self.watches[index as usize].open = Some(open);
        let at = open.received + u64::from(timeout) * SECOND + self.rng.random_range(0..MILLI);
        self.queue.at(at, Task::WatchEnd(index));
    }

    fn end_watch(&mut self, index: u32) {
        let watch = &self.watches[index as usize];
        if let Some(open) = watch.open {
            let request = watch_request(watch, &self.nodes, "watch");
            self.log.end_watch(watch.actor, &request, &open);
        }
        self.watches[index as usize].open = None;
        let at = self.after(MILLI..50 * MILLI);
        self.queue.at(at, Task::WatchStart(index));
    }

    /// Chooses the next Helm command: install a chart that fits, or uninstall a release.
    fn next_command(&mut self) {
        let installed: Vec<u32> = self
            .releases
            .iter()
            .filter(|release| release.phase == Phase::Installed)
            .map(|release| release.id)
            .collect();
        let candidates: Vec<usize> = (0..self.charts.len())
            .filter(|chart| {
                self.releases.iter().all(|release| {
                    release.chart != *chart && !self.charts[release.chart].conflicts.contains(chart)
                })
            })
            .collect();
        let install = if installed.is_empty() {
            true
        } else if installed.len() >= MAX_INSTALLED || candidates.is_empty() {
            false
        } else {
            self.rng.random_bool(0.55)
        };
        if install && !candidates.is_empty() {
            let chart = candidates[pick(&mut self.rng, candidates.len())];
            self.begin_install(chart);
        } else if !installed.is_empty() {
            let release = installed[pick(&mut self.rng, installed.len())];
            self.begin_uninstall(release);
        } else {
            // Everything is still being torn down: look again shortly.
            let at = self.after(2 * SECOND..5 * SECOND);
            self.queue.at(at, Task::NextCommand);
        }
    }
}

/// A random index below `len`. Drawn as a `u32` so that a seed gives the same choices on 32-bit
/// (wasm32) and 64-bit targets.
pub(super) fn pick(rng: &mut ChaCha8Rng, len: usize) -> usize {
    rng.random_range(0..len as u32) as usize
}

/// The list or watch request of an informer.
fn watch_request<'a>(watch: &'a Watch, nodes: &'a [Node], verb: &'static str) -> Request<'a> {
    let (selector, name) = match watch.selector {
        WatchSelector::None => (Selector::None, ""),
        WatchSelector::Name(name) => (Selector::Name(name), name),
        WatchSelector::NodeName(node) => {
            let name = nodes[usize::from(node)].name.as_str();
            (Selector::Name(name), name)
        }
        WatchSelector::Node(node) => (Selector::Node(&nodes[usize::from(node)].name), ""),
        WatchSelector::Raw(raw) => (Selector::Raw(raw), ""),
    };
    let query = if verb == "list" {
        Query::List(selector)
    } else {
        Query::Watch(selector, watch.timeout)
    };
    Request::new(verb, &watch.api, watch.namespace, name).query(query)
}

/// Turns a catalog name into the object's name: see the module documentation of
/// [`catalog`]. The flag tells whether the object goes to `kube-system`.
fn resolve_name(spec: &str, release: &str) -> (bool, String) {
    let (kube_system, spec) = match spec.strip_prefix("kube-system/") {
        Some(rest) => (true, rest),
        None => (false, spec),
    };
    let name = if let Some(literal) = spec.strip_prefix('=') {
        literal.to_string()
    } else if spec.contains("{}") {
        spec.replace("{}", release)
    } else if spec.is_empty() {
        release.to_string()
    } else {
        format!("{release}-{spec}")
    };
    (kube_system, name)
}

/// Two charts conflict when one would find the other's objects in its way: the same release in
/// the same namespace, the same own namespace (it may still be terminating), or the same name
/// for a cluster-wide object or an object in `kube-system`.
fn find_conflicts(charts: &mut [ChartPlan]) {
    let shared: Vec<FxHashSet<(&str, &str)>> = charts
        .iter()
        .map(|plan| {
            plan.objects
                .iter()
                .filter(|object| object.placement != Placement::Release)
                .map(|object| (object.api.resource, object.name.as_str()))
                .collect()
        })
        .collect();
    let mut conflicts = vec![Vec::new(); charts.len()];
    for first in 0..charts.len() {
        for second in first + 1..charts.len() {
            let (a, b) = (&charts[first], &charts[second]);
            let same_namespace =
                a.namespace == b.namespace && (a.own_namespace || a.release == b.release);
            if same_namespace || !shared[first].is_disjoint(&shared[second]) {
                conflicts[first].push(second);
                conflicts[second].push(first);
            }
        }
    }
    for (plan, conflicts) in charts.iter_mut().zip(conflicts) {
        plan.conflicts = conflicts;
    }
}

fn controller(log: &mut EventLog, name: &str) -> ActorId {
    log.add_actor(Actor::new(
        &format!("system:serviceaccount:kube-system:{name}"),
        &[
            "system:serviceaccounts",
            "system:serviceaccounts:kube-system",
            "system:authenticated",
        ],
        CONTROL_PLANE_IP,
        &format!(
            "kube-controller-manager/{KUBERNETES_VERSION}/system:serviceaccount:kube-system:{name}"
        ),
        &format!(
            "RBAC: allowed by ClusterRoleBinding \"system:controller:{name}\" of ClusterRole \"system:controller:{name}\" to ServiceAccount \"{name}/kube-system\""
        ),
    ))
}

fn control_plane_actors(log: &mut EventLog) -> Actors {
    let component = |log: &mut EventLog, user: &str, agent: &str| {
        log.add_actor(Actor::new(
            user,
            &["system:authenticated"],
            CONTROL_PLANE_IP,
            agent,
            &format!(
                "RBAC: allowed by ClusterRoleBinding \"{user}\" of ClusterRole \"{user}\" to User \"{user}\""
            ),
        ))
    };
    let pod_actor = |log: &mut EventLog, account: &str, ip: &str, agent: &str, role: &str| {
        log.add_actor(Actor::new(
            &format!("system:serviceaccount:kube-system:{account}"),
            &[
                "system:serviceaccounts",
                "system:serviceaccounts:kube-system",
                "system:authenticated",
            ],
            ip,
            agent,
            &format!(
                "RBAC: allowed by ClusterRoleBinding \"{role}\" of ClusterRole \"{role}\" to ServiceAccount \"{account}/kube-system\""
            ),
        ))
    };
    Actors {
        helm: log.add_actor(Actor::new(
            "kubernetes-admin",
            &["system:masters", "system:authenticated"],
            ADMIN_IP,
            "helm/v3.11.0 (linux/amd64) kubernetes/$Format",
            "",
        )),
        kubectl: log.add_actor(Actor::new(
            "kubernetes-admin",
            &["system:masters", "system:authenticated"],
            ADMIN_IP,
            &format!("kubectl/{KUBERNETES_VERSION}"),
            "",
        )),
        apiserver: log.add_actor(Actor::new(
            "system:apiserver",
            &["system:masters"],
            "::1",
            &format!("kube-apiserver/{KUBERNETES_VERSION}"),
            "",
        )),
        probe: log.add_actor(Actor::new(
            "system:anonymous",
            &["system:unauthenticated"],
            CONTROL_PLANE_IP,
            "kube-probe/1.26",
            "RBAC: allowed by ClusterRoleBinding \"system:public-info-viewer\" of ClusterRole \"system:public-info-viewer\" to Group \"system:unauthenticated\"",
        )),
        controller_manager: component(
            log,
            "system:kube-controller-manager",
            &format!("kube-controller-manager/{KUBERNETES_VERSION}/shared-informers"),
        ),
        controller_manager_leader: component(
            log,
            "system:kube-controller-manager",
            &format!("kube-controller-manager/{KUBERNETES_VERSION}/leader-election"),
        ),
        scheduler: component(
            log,
            "system:kube-scheduler",
            &format!("kube-scheduler/{KUBERNETES_VERSION}/scheduler"),
        ),
        scheduler_leader: component(
            log,
            "system:kube-scheduler",
            &format!("kube-scheduler/{KUBERNETES_VERSION}/leader-election"),
        ),
        garbage_collector: controller(log, "generic-garbage-collector"),
        resource_quota: controller(log, "resourcequota-controller"),
        namespace: controller(log, "namespace-controller"),
        deployment: controller(log, "deployment-controller"),
        replicaset: controller(log, "replicaset-controller"),
        statefulset: controller(log, "statefulset-controller"),
        daemonset: controller(log, "daemon-set-controller"),
        job: controller(log, "job-controller"),
        endpoint: controller(log, "endpoint-controller"),
        endpointslice: controller(log, "endpointslice-controller"),
        service_account: controller(log, "service-account-controller"),
        root_ca: controller(log, "root-ca-cert-publisher"),
        volume_binder: controller(log, "persistent-volume-binder"),
        coredns: [
            pod_actor(
                log,
                "coredns",
                "10.244.0.2",
                "coredns/v0.0.0 (linux/amd64) kubernetes/$Format",
                "system:coredns",
            ),
            pod_actor(
                log,
                "coredns",
                "10.244.0.3",
                "coredns/v0.0.0 (linux/amd64) kubernetes/$Format",
                "system:coredns",
            ),
        ],
    }
}

/// The control-plane node and `workers` worker nodes, each with its kubelet, kube-proxy and
/// flannel.
fn nodes(log: &mut EventLog, workers: u8) -> Vec<Node> {
    (0..=workers)
        .map(|index| {
            let name = if index == 0 {
                "control-plane-1".to_string()
            } else {
                format!("worker-{index}")
            };
            let ip = format!("10.0.0.{}", 10 + u16::from(index));
            let kubelet = log.add_actor(Actor::new(
                &format!("system:node:{name}"),
                &["system:nodes", "system:authenticated"],
                &ip,
                &format!("kubelet/{KUBERNETES_VERSION}"),
                "",
            ));
            let proxy = log.add_actor(Actor::new(
                "system:serviceaccount:kube-system:kube-proxy",
                &[
                    "system:serviceaccounts",
                    "system:serviceaccounts:kube-system",
                    "system:authenticated",
                ],
                &ip,
                &format!("kube-proxy/{KUBERNETES_VERSION}"),
                "RBAC: allowed by ClusterRoleBinding \"kubeadm:node-proxier\" of ClusterRole \"system:node-proxier\" to ServiceAccount \"kube-proxy/kube-system\"",
            ));
            let flannel = log.add_actor(Actor::new(
                "system:serviceaccount:kube-flannel:flannel",
                &[
                    "system:serviceaccounts",
                    "system:serviceaccounts:kube-flannel",
                    "system:authenticated",
                ],
                &ip,
                "flanneld/v0.20.2 (linux/amd64) kubernetes/$Format",
                "RBAC: allowed by ClusterRoleBinding \"flannel\" of ClusterRole \"flannel\" to ServiceAccount \"flannel/kube-flannel\"",
            ));
            Node {
                name,
                kubelet,
                proxy,
                flannel,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_like_chart_fullnames() {
        assert_eq!(resolve_name("", "my-redis"), (false, "my-redis".into()));
        assert_eq!(
            resolve_name("master", "my-redis"),
            (false, "my-redis-master".into())
        );
        assert_eq!(resolve_name("=nginx", "my-x"), (false, "nginx".into()));
        assert_eq!(
            resolve_name("alertmanager-{}-alertmanager", "my-k"),
            (false, "alertmanager-my-k-alertmanager".into())
        );
        assert_eq!(
            resolve_name("kube-system/coredns", "my-k"),
            (true, "my-k-coredns".into())
        );
    }

    #[test]
    fn plans_order_objects_as_helm_installs_them() {
        let cluster = Cluster::new(1, SimulationLimit::Events(0));
        let plan = cluster
            .charts
            .iter()
            .find(|plan| plan.chart.name == "kube-prometheus-stack")
            .unwrap();
        let kinds: Vec<&str> = plan
            .install_order
            .iter()
            .map(|index| plan.objects[usize::from(*index)].api.kind)
            .collect();
        let first = |kind: &str| kinds.iter().position(|k| *k == kind).unwrap();
        assert!(first("ServiceAccount") < first("ConfigMap"));
        assert!(first("ClusterRole") < first("Service"));
        assert!(first("Deployment") < first("Alertmanager"));
        assert_eq!(*kinds.last().unwrap(), "ValidatingWebhookConfiguration");
        let services = plan
            .objects
            .iter()
            .filter(|object| object.placement == Placement::KubeSystem)
            .count();
        assert_eq!(services, 5);
        let grafana = plan
            .objects
            .iter()
            .find(|object| {
                object.name == "my-kube-prometheus-stack-grafana" && object.workload.is_some()
            })
            .unwrap();
        assert_eq!(grafana.workload.as_ref().unwrap().services.len(), 1);
        assert_eq!(
            grafana.workload.as_ref().unwrap().service_account,
            "my-kube-prometheus-stack-grafana"
        );
    }

    /// Pending tasks, live releases and their pods stay at a few hundred (peaks seen: 186 tasks,
    /// 5 releases, 44 pods over 500,000 events), which is what keeps memory flat for a 1 GB log.
    #[test]
    fn the_state_stays_bounded_however_long_the_log() {
        let mut cluster = Cluster::new(4, SimulationLimit::Events(500_000));
        let (mut queue, mut releases, mut pods) = (0, 0, 0);
        while cluster.step() {
            if cluster.pending_len() > 1 << 20 {
                cluster.drain(|_| Ok(())).unwrap();
            }
            queue = queue.max(cluster.queue.heap.len());
            releases = releases.max(cluster.releases.len());
            pods = pods.max(
                cluster
                    .releases
                    .iter()
                    .map(|release| release.pods.len())
                    .sum::<usize>(),
            );
        }
        assert!(queue < 1_000, "{queue} pending tasks");
        assert!(releases <= MAX_INSTALLED + 4, "{releases} releases");
        assert!(pods < 500, "{pods} pods");
        assert!(cluster.discovery.len() < 100 && cluster.custom_types.len() < 150);
    }

    #[test]
    fn charts_sharing_cluster_objects_conflict() {
        let cluster = Cluster::new(1, SimulationLimit::Events(0));
        let index = |name: &str, repo: &str| {
            cluster
                .charts
                .iter()
                .position(|plan| plan.chart.name == name && plan.chart.repo == repo)
                .unwrap()
        };
        let ingress_nginx = index("ingress-nginx", "ingress-nginx");
        let nginx_inc = index("nginx-ingress", "nginx");
        assert!(cluster.charts[ingress_nginx].conflicts.contains(&nginx_inc));
        let elastic = index("elasticsearch", "elastic");
        let bitnami = index("elasticsearch", "bitnami");
        assert!(cluster.charts[elastic].conflicts.contains(&bitnami));
        let redis = index("redis", "bitnami");
        assert!(!cluster.charts[redis].conflicts.contains(&elastic));
    }
}
