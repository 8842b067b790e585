//! What the simulated cluster knows: the Kubernetes API resources it serves and the Helm charts
//! that get installed on it.
//!
//! The chart names are those of the 60 most-starred charts on Artifact Hub that the PerfSPEC
//! dataset installed (2023-01). Which objects each chart creates is our own plausible summary of
//! the chart's default templates at that time (workloads, RBAC, CRDs, webhooks, hook jobs), not a
//! copy of any chart: enough variety for the event stream to look like the real thing.
//!
//! Object names are written relative to the release (`my-<chart>`), the way chart templates
//! build them from the `fullname` helper:
//! - `""` is the release name itself, `"server"` becomes `my-<chart>-server`;
//! - `"=nginx"` is taken literally (`nginx`);
//! - `"alertmanager-{}"` puts the release name where `{}` is;
//! - a `kube-system/` prefix places a namespaced object in `kube-system` instead of the release
//!   namespace (charts that add services or bindings next to the control plane).

/// One API resource as the API server serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Api {
    /// The plural name used in URLs and `objectRef.resource`.
    pub resource: &'static str,
    /// `""` for the core group, served under `/api`.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
}

impl Api {
    const fn core(resource: &'static str, kind: &'static str, namespaced: bool) -> Self {
        Self {
            resource,
            group: "",
            version: "v1",
            kind,
            namespaced,
        }
    }

    const fn new(
        group: &'static str,
        version: &'static str,
        resource: &'static str,
        kind: &'static str,
        namespaced: bool,
    ) -> Self {
        Self {
            resource,
            group,
            version,
            kind,
            namespaced,
        }
    }

    /// `/api/v1` or `/apis/GROUP/VERSION`.
    pub fn group_version_path(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// The name a CustomResourceDefinition for this resource carries: `plural.group`.
    pub fn crd_name(&self) -> String {
        format!("{}.{}", self.resource, self.group)
    }

    /// Position in Helm 3's install order (`releaseutil.InstallOrder`); kinds Helm does not list
    /// come last, sorted by kind name.
    pub fn install_rank(&self) -> u8 {
        const ORDER: [&str; 36] = [
            "PriorityClass",
            "Namespace",
            "NetworkPolicy",
            "ResourceQuota",
            "LimitRange",
            "PodSecurityPolicy",
            "PodDisruptionBudget",
            "ServiceAccount",
            "Secret",
            "SecretList",
            "ConfigMap",
            "StorageClass",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "CustomResourceDefinition",
            "ClusterRole",
            "ClusterRoleList",
            "ClusterRoleBinding",
            "ClusterRoleBindingList",
            "Role",
            "RoleList",
            "RoleBinding",
            "RoleBindingList",
            "Service",
            "DaemonSet",
            "Pod",
            "ReplicationController",
            "ReplicaSet",
            "Deployment",
            "HorizontalPodAutoscaler",
            "StatefulSet",
            "Job",
            "CronJob",
            "IngressClass",
            "Ingress",
            "APIService",
        ];
        ORDER
            .iter()
            .position(|kind| *kind == self.kind)
            .map_or(u8::MAX, |rank| rank as u8)
    }

    /// Position in Helm 3's uninstall order (`releaseutil.UninstallOrder`).
    pub fn uninstall_rank(&self) -> u8 {
        const ORDER: [&str; 36] = [
            "APIService",
            "Ingress",
            "IngressClass",
            "Service",
            "CronJob",
            "Job",
            "StatefulSet",
            "HorizontalPodAutoscaler",
            "Deployment",
            "ReplicaSet",
            "ReplicationController",
            "Pod",
            "DaemonSet",
            "RoleBindingList",
            "RoleBinding",
            "RoleList",
            "Role",
            "ClusterRoleBindingList",
            "ClusterRoleBinding",
            "ClusterRoleList",
            "ClusterRole",
            "CustomResourceDefinition",
            "PersistentVolumeClaim",
            "PersistentVolume",
            "StorageClass",
            "ConfigMap",
            "SecretList",
            "Secret",
            "ServiceAccount",
            "PodDisruptionBudget",
            "PodSecurityPolicy",
            "LimitRange",
            "ResourceQuota",
            "NetworkPolicy",
            "Namespace",
            "PriorityClass",
        ];
        ORDER
            .iter()
            .position(|kind| *kind == self.kind)
            .map_or(u8::MAX, |rank| rank as u8)
    }
}

mod builtin;
mod charts;

pub(crate) use builtin::*;
pub(crate) use charts::CHARTS;

/// How a workload's pods come to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkloadKind {
    Deployment,
    /// With `volume`, every replica gets a PersistentVolumeClaim from a `volumeClaimTemplate`.
    StatefulSet {
        volume: bool,
    },
    /// One pod on every node.
    DaemonSet,
    /// A run-to-completion Job that is part of the release (not a hook).
    Job,
}

impl WorkloadKind {
    pub fn api(self) -> Api {
        match self {
            WorkloadKind::Deployment => DEPLOYMENTS,
            WorkloadKind::StatefulSet { .. } => STATEFULSETS,
            WorkloadKind::DaemonSet => DAEMONSETS,
            WorkloadKind::Job => JOBS,
        }
    }
}

/// A workload a chart runs. Its pods back the service of the same name when the chart has one
/// (or the services listed in `backs`), and run as the service account of the same name when the
/// chart creates one (otherwise as the chart's first service account, or `default`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Workload {
    pub name: &'static str,
    pub kind: WorkloadKind,
    pub replicas: u8,
    pub backs: &'static [&'static str],
}

const fn deploy(name: &'static str, replicas: u8) -> Workload {
    Workload {
        name,
        kind: WorkloadKind::Deployment,
        replicas,
        backs: &[],
    }
}

const fn sts(name: &'static str, replicas: u8) -> Workload {
    Workload {
        name,
        kind: WorkloadKind::StatefulSet { volume: true },
        replicas,
        backs: &[],
    }
}

/// A StatefulSet without a volume claim template.
const fn sts_ephemeral(name: &'static str, replicas: u8) -> Workload {
    Workload {
        name,
        kind: WorkloadKind::StatefulSet { volume: false },
        replicas,
        backs: &[],
    }
}

const fn ds(name: &'static str) -> Workload {
    Workload {
        name,
        kind: WorkloadKind::DaemonSet,
        replicas: 1,
        backs: &[],
    }
}

const fn job(name: &'static str) -> Workload {
    Workload {
        name,
        kind: WorkloadKind::Job,
        replicas: 1,
        backs: &[],
    }
}

impl Workload {
    const fn backs(self, backs: &'static [&'static str]) -> Self {
        Workload { backs, ..self }
    }
}

/// When Helm runs a hook job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HookPhase {
    PreInstall,
    PostInstall,
    PreDelete,
    PostDelete,
}

/// A hook Job with the RBAC objects it brings (service account, roles and bindings named
/// `rbac`), all created before and deleted after it runs (`before-hook-creation` and
/// `hook-succeeded` delete policies).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hook {
    pub job: &'static str,
    pub phase: HookPhase,
    /// Name of the hook's ServiceAccount, Role and RoleBinding (and ClusterRole and
    /// ClusterRoleBinding when `cluster`); `None` runs the job as an existing account.
    pub rbac: Option<&'static str>,
    pub cluster: bool,
}

const fn hook(job: &'static str, phase: HookPhase) -> Hook {
    Hook {
        job,
        phase,
        rbac: None,
        cluster: false,
    }
}

const fn hook_rbac(job: &'static str, phase: HookPhase, rbac: &'static str, cluster: bool) -> Hook {
    Hook {
        job,
        phase,
        rbac: Some(rbac),
        cluster,
    }
}

/// One chart of the catalog and the objects its default values render.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chart {
    pub name: &'static str,
    /// The Artifact Hub repository it comes from (a few names exist in two repositories); it
    /// tells such charts apart here but never shows in the log.
    #[cfg_attr(not(test), allow(dead_code))]
    pub repo: &'static str,
    /// The release namespace: the chart's own (created with `--create-namespace`, deleted after
    /// the uninstall) or `kube-system` for cluster add-ons.
    pub namespace: &'static str,
    pub workloads: &'static [Workload],
    pub service_accounts: &'static [&'static str],
    pub config_maps: &'static [&'static str],
    pub secrets: &'static [&'static str],
    pub services: &'static [&'static str],
    /// ClusterRole and ClusterRoleBinding pairs.
    pub cluster_rbac: &'static [&'static str],
    /// Role and RoleBinding pairs.
    pub rbac: &'static [&'static str],
    pub pvcs: &'static [&'static str],
    /// Custom resources the chart ships in `crds/` (never deleted by `helm uninstall`).
    pub crds: &'static [Api],
    /// Instances of custom resources (the chart's own or another's) and other objects.
    pub objects: &'static [(Api, &'static str)],
    pub validating_webhooks: &'static [&'static str],
    pub mutating_webhooks: &'static [&'static str],
    pub hooks: &'static [Hook],
    /// The service account of a component that runs a controller loop: it holds a leader lease
    /// and reports on the chart's custom objects while the release is up.
    pub operator: Option<&'static str>,
}

const EMPTY: Chart = Chart {
    name: "",
    repo: "",
    namespace: "",
    workloads: &[],
    service_accounts: &[],
    config_maps: &[],
    secrets: &[],
    services: &[],
    cluster_rbac: &[],
    rbac: &[],
    pvcs: &[],
    crds: &[],
    objects: &[],
    validating_webhooks: &[],
    mutating_webhooks: &[],
    hooks: &[],
    operator: None,
};

const fn crd(
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
) -> Api {
    Api::new(group, version, resource, kind, true)
}

const fn cluster_crd(
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
) -> Api {
    Api::new(group, version, resource, kind, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_holds_the_sixty_charts_of_the_dataset() {
        assert_eq!(CHARTS.len(), 60);
        let pairs: std::collections::HashSet<(&str, &str)> = CHARTS
            .iter()
            .map(|chart| (chart.name, chart.repo))
            .collect();
        assert_eq!(pairs.len(), 60, "every (chart, repository) once");
    }

    #[test]
    fn every_chart_runs_something() {
        for chart in CHARTS {
            assert!(
                !chart.workloads.is_empty(),
                "{} has no workload",
                chart.name
            );
            assert!(
                !chart.namespace.is_empty(),
                "{} has no namespace",
                chart.name
            );
        }
    }

    #[test]
    fn helm_orders_known_kinds_and_puts_the_rest_last() {
        assert!(SERVICEACCOUNTS.install_rank() < DEPLOYMENTS.install_rank());
        assert!(CLUSTERROLES.install_rank() < ROLEBINDINGS.install_rank());
        let prometheuses = crd("monitoring.coreos.com", "v1", "prometheuses", "Prometheus");
        assert_eq!(prometheuses.install_rank(), u8::MAX);
        assert_eq!(VALIDATING_WEBHOOKS.install_rank(), u8::MAX);
        assert!(SERVICES.uninstall_rank() < DEPLOYMENTS.uninstall_rank());
    }
}
