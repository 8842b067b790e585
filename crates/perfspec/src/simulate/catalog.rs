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

// The built-in resources of a Kubernetes 1.26 API server.
pub(crate) const NAMESPACES: Api = Api::core("namespaces", "Namespace", false);
pub(crate) const NODES: Api = Api::core("nodes", "Node", false);
pub(crate) const PODS: Api = Api::core("pods", "Pod", true);
pub(crate) const SERVICES: Api = Api::core("services", "Service", true);
pub(crate) const ENDPOINTS: Api = Api::core("endpoints", "Endpoints", true);
pub(crate) const CONFIGMAPS: Api = Api::core("configmaps", "ConfigMap", true);
pub(crate) const SECRETS: Api = Api::core("secrets", "Secret", true);
pub(crate) const SERVICEACCOUNTS: Api = Api::core("serviceaccounts", "ServiceAccount", true);
pub(crate) const EVENTS: Api = Api::core("events", "Event", true);
pub(crate) const PVCS: Api = Api::core("persistentvolumeclaims", "PersistentVolumeClaim", true);
pub(crate) const PERSISTENTVOLUMES: Api = Api::core("persistentvolumes", "PersistentVolume", false);
pub(crate) const LIMITRANGES: Api = Api::core("limitranges", "LimitRange", true);
pub(crate) const RESOURCEQUOTAS: Api = Api::core("resourcequotas", "ResourceQuota", true);
pub(crate) const REPLICATIONCONTROLLERS: Api =
    Api::core("replicationcontrollers", "ReplicationController", true);
pub(crate) const PODTEMPLATES: Api = Api::core("podtemplates", "PodTemplate", true);
pub(crate) const DEPLOYMENTS: Api = Api::new("apps", "v1", "deployments", "Deployment", true);
pub(crate) const STATEFULSETS: Api = Api::new("apps", "v1", "statefulsets", "StatefulSet", true);
pub(crate) const DAEMONSETS: Api = Api::new("apps", "v1", "daemonsets", "DaemonSet", true);
pub(crate) const REPLICASETS: Api = Api::new("apps", "v1", "replicasets", "ReplicaSet", true);
pub(crate) const CONTROLLERREVISIONS: Api = Api::new(
    "apps",
    "v1",
    "controllerrevisions",
    "ControllerRevision",
    true,
);
pub(crate) const JOBS: Api = Api::new("batch", "v1", "jobs", "Job", true);
pub(crate) const CRONJOBS: Api = Api::new("batch", "v1", "cronjobs", "CronJob", true);
pub(crate) const HPAS: Api = Api::new(
    "autoscaling",
    "v2",
    "horizontalpodautoscalers",
    "HorizontalPodAutoscaler",
    true,
);
const RBAC: &str = "rbac.authorization.k8s.io";
pub(crate) const CLUSTERROLES: Api = Api::new(RBAC, "v1", "clusterroles", "ClusterRole", false);
pub(crate) const CLUSTERROLEBINDINGS: Api = Api::new(
    RBAC,
    "v1",
    "clusterrolebindings",
    "ClusterRoleBinding",
    false,
);
pub(crate) const ROLES: Api = Api::new(RBAC, "v1", "roles", "Role", true);
pub(crate) const ROLEBINDINGS: Api = Api::new(RBAC, "v1", "rolebindings", "RoleBinding", true);
pub(crate) const CRDS: Api = Api::new(
    "apiextensions.k8s.io",
    "v1",
    "customresourcedefinitions",
    "CustomResourceDefinition",
    false,
);
const ADMISSION: &str = "admissionregistration.k8s.io";
pub(crate) const VALIDATING_WEBHOOKS: Api = Api::new(
    ADMISSION,
    "v1",
    "validatingwebhookconfigurations",
    "ValidatingWebhookConfiguration",
    false,
);
pub(crate) const MUTATING_WEBHOOKS: Api = Api::new(
    ADMISSION,
    "v1",
    "mutatingwebhookconfigurations",
    "MutatingWebhookConfiguration",
    false,
);
pub(crate) const LEASES: Api = Api::new("coordination.k8s.io", "v1", "leases", "Lease", true);
pub(crate) const ENDPOINTSLICES: Api = Api::new(
    "discovery.k8s.io",
    "v1",
    "endpointslices",
    "EndpointSlice",
    true,
);
pub(crate) const EVENTS_V1: Api = Api::new("events.k8s.io", "v1", "events", "Event", true);
const NETWORKING: &str = "networking.k8s.io";
pub(crate) const INGRESSES: Api = Api::new(NETWORKING, "v1", "ingresses", "Ingress", true);
pub(crate) const INGRESSCLASSES: Api =
    Api::new(NETWORKING, "v1", "ingressclasses", "IngressClass", false);
pub(crate) const NETWORKPOLICIES: Api =
    Api::new(NETWORKING, "v1", "networkpolicies", "NetworkPolicy", true);
pub(crate) const PDBS: Api = Api::new(
    "policy",
    "v1",
    "poddisruptionbudgets",
    "PodDisruptionBudget",
    true,
);
const STORAGE: &str = "storage.k8s.io";
pub(crate) const STORAGECLASSES: Api =
    Api::new(STORAGE, "v1", "storageclasses", "StorageClass", false);
pub(crate) const CSIDRIVERS: Api = Api::new(STORAGE, "v1", "csidrivers", "CSIDriver", false);
pub(crate) const CSINODES: Api = Api::new(STORAGE, "v1", "csinodes", "CSINode", false);
pub(crate) const CSISTORAGECAPACITIES: Api = Api::new(
    STORAGE,
    "v1",
    "csistoragecapacities",
    "CSIStorageCapacity",
    true,
);
pub(crate) const VOLUMEATTACHMENTS: Api = Api::new(
    STORAGE,
    "v1",
    "volumeattachments",
    "VolumeAttachment",
    false,
);
pub(crate) const PRIORITYCLASSES: Api = Api::new(
    "scheduling.k8s.io",
    "v1",
    "priorityclasses",
    "PriorityClass",
    false,
);
pub(crate) const APISERVICES: Api = Api::new(
    "apiregistration.k8s.io",
    "v1",
    "apiservices",
    "APIService",
    false,
);
pub(crate) const RUNTIMECLASSES: Api =
    Api::new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false);
const FLOWCONTROL: &str = "flowcontrol.apiserver.k8s.io";
pub(crate) const FLOWSCHEMAS: Api =
    Api::new(FLOWCONTROL, "v1beta3", "flowschemas", "FlowSchema", false);
pub(crate) const PRIORITYLEVELS: Api = Api::new(
    FLOWCONTROL,
    "v1beta3",
    "prioritylevelconfigurations",
    "PriorityLevelConfiguration",
    false,
);

/// The group-versions of a kubeadm 1.26 API server, in the order discovery lists them (after
/// `/api/v1`).
pub(crate) const BUILTIN_GROUP_VERSIONS: &[&str] = &[
    "apiregistration.k8s.io/v1",
    "apps/v1",
    "events.k8s.io/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "autoscaling/v2",
    "autoscaling/v1",
    "batch/v1",
    "certificates.k8s.io/v1",
    "networking.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "coordination.k8s.io/v1",
    "node.k8s.io/v1",
    "discovery.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "flowcontrol.apiserver.k8s.io/v1beta2",
];

/// The namespaced built-in resources the namespace controller empties when a namespace goes, in
/// discovery order (`events` twice: the core and the `events.k8s.io` group both serve them).
pub(crate) const NAMESPACED_BUILTINS: &[Api] = &[
    CONFIGMAPS,
    ENDPOINTS,
    EVENTS,
    LIMITRANGES,
    PVCS,
    PODS,
    PODTEMPLATES,
    REPLICATIONCONTROLLERS,
    RESOURCEQUOTAS,
    SECRETS,
    SERVICEACCOUNTS,
    SERVICES,
    CONTROLLERREVISIONS,
    DAEMONSETS,
    DEPLOYMENTS,
    REPLICASETS,
    STATEFULSETS,
    EVENTS_V1,
    HPAS,
    CRONJOBS,
    JOBS,
    INGRESSES,
    NETWORKPOLICIES,
    PDBS,
    ROLEBINDINGS,
    ROLES,
    CSISTORAGECAPACITIES,
    LEASES,
    ENDPOINTSLICES,
];

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

const MONITORING: &str = "monitoring.coreos.com";
const ALERTMANAGERS: Api = crd(MONITORING, "v1", "alertmanagers", "Alertmanager");
const PROMETHEUSES: Api = crd(MONITORING, "v1", "prometheuses", "Prometheus");
const PROMETHEUSRULES: Api = crd(MONITORING, "v1", "prometheusrules", "PrometheusRule");
const SERVICEMONITORS: Api = crd(MONITORING, "v1", "servicemonitors", "ServiceMonitor");
const PROMETHEUS_OPERATOR_CRDS: &[Api] = &[
    crd(
        MONITORING,
        "v1alpha1",
        "alertmanagerconfigs",
        "AlertmanagerConfig",
    ),
    ALERTMANAGERS,
    crd(MONITORING, "v1", "podmonitors", "PodMonitor"),
    crd(MONITORING, "v1", "probes", "Probe"),
    PROMETHEUSES,
    PROMETHEUSRULES,
    SERVICEMONITORS,
    crd(MONITORING, "v1", "thanosrulers", "ThanosRuler"),
];

const CERT_MANAGER: &str = "cert-manager.io";
const ACME: &str = "acme.cert-manager.io";
const CERT_MANAGER_CRDS: &[Api] = &[
    crd(
        CERT_MANAGER,
        "v1",
        "certificaterequests",
        "CertificateRequest",
    ),
    crd(CERT_MANAGER, "v1", "certificates", "Certificate"),
    crd(ACME, "v1", "challenges", "Challenge"),
    cluster_crd(CERT_MANAGER, "v1", "clusterissuers", "ClusterIssuer"),
    crd(CERT_MANAGER, "v1", "issuers", "Issuer"),
    crd(ACME, "v1", "orders", "Order"),
];

const ARGOPROJ: &str = "argoproj.io";
const ARGO_CD_CRDS: &[Api] = &[
    crd(ARGOPROJ, "v1alpha1", "applications", "Application"),
    crd(ARGOPROJ, "v1alpha1", "applicationsets", "ApplicationSet"),
    crd(ARGOPROJ, "v1alpha1", "appprojects", "AppProject"),
];
const ARGO_WORKFLOWS_CRDS: &[Api] = &[
    cluster_crd(
        ARGOPROJ,
        "v1alpha1",
        "clusterworkflowtemplates",
        "ClusterWorkflowTemplate",
    ),
    crd(ARGOPROJ, "v1alpha1", "cronworkflows", "CronWorkflow"),
    crd(
        ARGOPROJ,
        "v1alpha1",
        "workflowartifactgctasks",
        "WorkflowArtifactGCTask",
    ),
    crd(
        ARGOPROJ,
        "v1alpha1",
        "workfloweventbindings",
        "WorkflowEventBinding",
    ),
    crd(ARGOPROJ, "v1alpha1", "workflows", "Workflow"),
    crd(
        ARGOPROJ,
        "v1alpha1",
        "workflowtaskresults",
        "WorkflowTaskResult",
    ),
    crd(ARGOPROJ, "v1alpha1", "workflowtasksets", "WorkflowTaskSet"),
    crd(
        ARGOPROJ,
        "v1alpha1",
        "workflowtemplates",
        "WorkflowTemplate",
    ),
];

const TRAEFIK: &str = "traefik.containo.us";
const INGRESSROUTES: Api = crd(TRAEFIK, "v1alpha1", "ingressroutes", "IngressRoute");
const TRAEFIK_CRDS: &[Api] = &[
    INGRESSROUTES,
    crd(TRAEFIK, "v1alpha1", "ingressroutetcps", "IngressRouteTCP"),
    crd(TRAEFIK, "v1alpha1", "ingressrouteudps", "IngressRouteUDP"),
    crd(TRAEFIK, "v1alpha1", "middlewares", "Middleware"),
    crd(TRAEFIK, "v1alpha1", "middlewaretcps", "MiddlewareTCP"),
    crd(TRAEFIK, "v1alpha1", "serverstransports", "ServersTransport"),
    crd(TRAEFIK, "v1alpha1", "tlsoptions", "TLSOption"),
    crd(TRAEFIK, "v1alpha1", "tlsstores", "TLSStore"),
    crd(TRAEFIK, "v1alpha1", "traefikservices", "TraefikService"),
];

const VELERO: &str = "velero.io";
const BACKUPSTORAGELOCATIONS: Api = crd(
    VELERO,
    "v1",
    "backupstoragelocations",
    "BackupStorageLocation",
);
const VOLUMESNAPSHOTLOCATIONS: Api = crd(
    VELERO,
    "v1",
    "volumesnapshotlocations",
    "VolumeSnapshotLocation",
);
const VELERO_CRDS: &[Api] = &[
    crd(VELERO, "v1", "backuprepositories", "BackupRepository"),
    crd(VELERO, "v1", "backups", "Backup"),
    BACKUPSTORAGELOCATIONS,
    crd(VELERO, "v1", "deletebackuprequests", "DeleteBackupRequest"),
    crd(VELERO, "v1", "downloadrequests", "DownloadRequest"),
    crd(VELERO, "v1", "podvolumebackups", "PodVolumeBackup"),
    crd(VELERO, "v1", "podvolumerestores", "PodVolumeRestore"),
    crd(VELERO, "v1", "restores", "Restore"),
    crd(VELERO, "v1", "schedules", "Schedule"),
    crd(VELERO, "v1", "serverstatusrequests", "ServerStatusRequest"),
    VOLUMESNAPSHOTLOCATIONS,
];

const LONGHORN: &str = "longhorn.io";
const LONGHORN_CRDS: &[Api] = &[
    crd(LONGHORN, "v1beta2", "backingimages", "BackingImage"),
    crd(
        LONGHORN,
        "v1beta2",
        "backingimagemanagers",
        "BackingImageManager",
    ),
    crd(LONGHORN, "v1beta2", "backups", "Backup"),
    crd(LONGHORN, "v1beta2", "backuptargets", "BackupTarget"),
    crd(LONGHORN, "v1beta2", "backupvolumes", "BackupVolume"),
    crd(LONGHORN, "v1beta2", "engineimages", "EngineImage"),
    crd(LONGHORN, "v1beta2", "engines", "Engine"),
    crd(LONGHORN, "v1beta2", "instancemanagers", "InstanceManager"),
    crd(LONGHORN, "v1beta2", "nodes", "Node"),
    crd(LONGHORN, "v1beta2", "orphans", "Orphan"),
    crd(LONGHORN, "v1beta2", "recurringjobs", "RecurringJob"),
    crd(LONGHORN, "v1beta2", "replicas", "Replica"),
    crd(LONGHORN, "v1beta2", "settings", "Setting"),
    crd(LONGHORN, "v1beta2", "sharemanagers", "ShareManager"),
    crd(LONGHORN, "v1beta2", "snapshots", "Snapshot"),
    crd(LONGHORN, "v1beta2", "supportbundles", "SupportBundle"),
    crd(LONGHORN, "v1beta2", "systembackups", "SystemBackup"),
    crd(LONGHORN, "v1beta2", "systemrestores", "SystemRestore"),
    crd(LONGHORN, "v1beta2", "volumes", "Volume"),
    crd(LONGHORN, "v1beta2", "volumeattachments", "VolumeAttachment"),
];

const ELBV2: &str = "elbv2.k8s.aws";
const INGRESSCLASSPARAMS: Api =
    cluster_crd(ELBV2, "v1beta1", "ingressclassparams", "IngressClassParams");
const AWS_LB_CRDS: &[Api] = &[
    INGRESSCLASSPARAMS,
    crd(
        ELBV2,
        "v1beta1",
        "targetgroupbindings",
        "TargetGroupBinding",
    ),
];

const GRAFANA_AGENT: &str = "monitoring.grafana.com";
const GRAFANAAGENTS: Api = crd(GRAFANA_AGENT, "v1alpha1", "grafanaagents", "GrafanaAgent");
const LOGSINSTANCES: Api = crd(GRAFANA_AGENT, "v1alpha1", "logsinstances", "LogsInstance");
const PODLOGS: Api = crd(GRAFANA_AGENT, "v1alpha1", "podlogs", "PodLogs");
const GRAFANA_AGENT_CRDS: &[Api] = &[
    GRAFANAAGENTS,
    crd(GRAFANA_AGENT, "v1alpha1", "integrations", "Integration"),
    LOGSINSTANCES,
    crd(
        GRAFANA_AGENT,
        "v1alpha1",
        "metricsinstances",
        "MetricsInstance",
    ),
    PODLOGS,
];

const NGINX_ORG: &str = "k8s.nginx.org";
const APPROTECT_DOS: &str = "appprotectdos.f5.com";
const APPROTECT: &str = "appprotect.f5.com";
const NGINX_INC_CRDS: &[Api] = &[
    crd(APPROTECT_DOS, "v1beta1", "apdoslogconfs", "APDosLogConf"),
    crd(APPROTECT_DOS, "v1beta1", "apdospolicy", "APDosPolicy"),
    crd(APPROTECT, "v1beta1", "aplogconfs", "APLogConf"),
    crd(APPROTECT, "v1beta1", "appolicies", "APPolicy"),
    crd(APPROTECT, "v1beta1", "apusersigs", "APUserSig"),
    crd(
        APPROTECT_DOS,
        "v1beta1",
        "dosprotectedresources",
        "DosProtectedResource",
    ),
    crd(
        NGINX_ORG,
        "v1alpha1",
        "globalconfigurations",
        "GlobalConfiguration",
    ),
    crd(NGINX_ORG, "v1", "policies", "Policy"),
    crd(NGINX_ORG, "v1alpha1", "transportservers", "TransportServer"),
    crd(NGINX_ORG, "v1", "virtualserverroutes", "VirtualServerRoute"),
    crd(NGINX_ORG, "v1", "virtualservers", "VirtualServer"),
];

const CONSUL: &str = "consul.hashicorp.com";
const CONSUL_CRDS: &[Api] = &[
    crd(CONSUL, "v1alpha1", "exportedservices", "ExportedServices"),
    crd(CONSUL, "v1alpha1", "ingressgateways", "IngressGateway"),
    crd(CONSUL, "v1alpha1", "meshes", "Mesh"),
    crd(CONSUL, "v1alpha1", "peeringacceptors", "PeeringAcceptor"),
    crd(CONSUL, "v1alpha1", "peeringdialers", "PeeringDialer"),
    crd(CONSUL, "v1alpha1", "proxydefaults", "ProxyDefaults"),
    crd(CONSUL, "v1alpha1", "servicedefaults", "ServiceDefaults"),
    crd(CONSUL, "v1alpha1", "serviceintentions", "ServiceIntentions"),
    crd(CONSUL, "v1alpha1", "serviceresolvers", "ServiceResolver"),
    crd(CONSUL, "v1alpha1", "servicerouters", "ServiceRouter"),
    crd(CONSUL, "v1alpha1", "servicesplitters", "ServiceSplitter"),
    crd(
        CONSUL,
        "v1alpha1",
        "terminatinggateways",
        "TerminatingGateway",
    ),
];

const METALLB: &str = "metallb.io";
const METALLB_CRDS: &[Api] = &[
    crd(METALLB, "v1beta1", "addresspools", "AddressPool"),
    crd(METALLB, "v1beta1", "bfdprofiles", "BFDProfile"),
    crd(METALLB, "v1beta1", "bgpadvertisements", "BGPAdvertisement"),
    crd(METALLB, "v1beta2", "bgppeers", "BGPPeer"),
    crd(METALLB, "v1beta1", "communities", "Community"),
    crd(METALLB, "v1beta1", "ipaddresspools", "IPAddressPool"),
    crd(METALLB, "v1beta1", "l2advertisements", "L2Advertisement"),
];

const DATADOG_CRDS: &[Api] = &[crd(
    "datadoghq.com",
    "v1alpha1",
    "datadogmetrics",
    "DatadogMetric",
)];

use HookPhase::{PostDelete, PostInstall, PreDelete, PreInstall};

/// The catalog, most-starred first.
pub(crate) const CHARTS: &[Chart] = &[
    Chart {
        name: "kube-prometheus-stack",
        repo: "prometheus-community",
        namespace: "kube-prometheus-stack",
        workloads: &[
            deploy("grafana", 1),
            deploy("kube-state-metrics", 1),
            deploy("operator", 1),
            ds("prometheus-node-exporter"),
        ],
        service_accounts: &[
            "grafana",
            "kube-state-metrics",
            "prometheus-node-exporter",
            "alertmanager",
            "operator",
            "prometheus",
        ],
        config_maps: &[
            "grafana-config-dashboards",
            "grafana",
            "grafana-datasource",
            "alertmanager-overview",
            "apiserver",
            "cluster-total",
            "controller-manager",
            "etcd",
            "grafana-overview",
            "k8s-coredns",
            "k8s-resources-cluster",
            "k8s-resources-namespace",
            "k8s-resources-node",
            "k8s-resources-pod",
            "k8s-resources-workload",
            "k8s-resources-workloads-namespace",
            "kubelet",
            "namespace-by-pod",
            "namespace-by-workload",
            "node-cluster-rsrc-use",
            "node-rsrc-use",
            "nodes",
            "persistentvolumesusage",
            "pod-total",
            "prometheus",
            "proxy",
            "scheduler",
            "workload-total",
        ],
        secrets: &["grafana", "alertmanager-{}-alertmanager"],
        services: &[
            "grafana",
            "kube-state-metrics",
            "prometheus-node-exporter",
            "alertmanager",
            "kube-system/coredns",
            "kube-system/kube-controller-manager",
            "kube-system/kube-etcd",
            "kube-system/kube-proxy",
            "kube-system/kube-scheduler",
            "operator",
            "prometheus",
        ],
        cluster_rbac: &[
            "grafana-clusterrole",
            "kube-state-metrics",
            "operator",
            "prometheus",
        ],
        rbac: &["grafana"],
        crds: PROMETHEUS_OPERATOR_CRDS,
        objects: &[
            (ALERTMANAGERS, "alertmanager"),
            (PROMETHEUSES, "prometheus"),
            (PROMETHEUSRULES, "alertmanager.rules"),
            (PROMETHEUSRULES, "config-reloaders"),
            (PROMETHEUSRULES, "etcd"),
            (PROMETHEUSRULES, "general.rules"),
            (PROMETHEUSRULES, "k8s.rules"),
            (PROMETHEUSRULES, "kube-apiserver-availability.rules"),
            (PROMETHEUSRULES, "kube-apiserver-burnrate.rules"),
            (PROMETHEUSRULES, "kube-apiserver-slos"),
            (PROMETHEUSRULES, "kube-prometheus-general.rules"),
            (PROMETHEUSRULES, "kube-scheduler.rules"),
            (PROMETHEUSRULES, "kube-state-metrics"),
            (PROMETHEUSRULES, "kubelet.rules"),
            (PROMETHEUSRULES, "kubernetes-apps"),
            (PROMETHEUSRULES, "kubernetes-resources"),
            (PROMETHEUSRULES, "kubernetes-storage"),
            (PROMETHEUSRULES, "kubernetes-system"),
            (PROMETHEUSRULES, "node-exporter.rules"),
            (PROMETHEUSRULES, "node-exporter"),
            (PROMETHEUSRULES, "node.rules"),
            (PROMETHEUSRULES, "prometheus-operator"),
            (PROMETHEUSRULES, "prometheus"),
            (SERVICEMONITORS, "grafana"),
            (SERVICEMONITORS, "kube-state-metrics"),
            (SERVICEMONITORS, "prometheus-node-exporter"),
            (SERVICEMONITORS, "alertmanager"),
            (SERVICEMONITORS, "coredns"),
            (SERVICEMONITORS, "apiserver"),
            (SERVICEMONITORS, "kube-controller-manager"),
            (SERVICEMONITORS, "kube-etcd"),
            (SERVICEMONITORS, "kube-proxy"),
            (SERVICEMONITORS, "kube-scheduler"),
            (SERVICEMONITORS, "kubelet"),
            (SERVICEMONITORS, "operator"),
            (SERVICEMONITORS, "prometheus"),
        ],
        validating_webhooks: &["admission"],
        mutating_webhooks: &["admission"],
        hooks: &[
            hook_rbac("admission-create", PreInstall, "admission", true),
            hook_rbac("admission-patch", PostInstall, "admission", true),
        ],
        operator: Some("operator"),
        ..EMPTY
    },
    Chart {
        name: "ingress-nginx",
        repo: "ingress-nginx",
        namespace: "ingress-nginx",
        workloads: &[deploy("controller", 1).backs(&["controller", "controller-admission"])],
        service_accounts: &[""],
        config_maps: &["controller"],
        services: &["controller-admission", "controller"],
        cluster_rbac: &[""],
        rbac: &[""],
        objects: &[(INGRESSCLASSES, "=nginx")],
        validating_webhooks: &["admission"],
        hooks: &[
            hook_rbac("admission-create", PreInstall, "admission", true),
            hook_rbac("admission-patch", PostInstall, "admission", true),
        ],
        operator: Some(""),
        ..EMPTY
    },
    Chart {
        name: "cert-manager",
        repo: "cert-manager",
        namespace: "cert-manager",
        workloads: &[deploy("cainjector", 1), deploy("", 1), deploy("webhook", 1)],
        service_accounts: &["cainjector", "", "webhook"],
        config_maps: &["webhook"],
        services: &["", "webhook"],
        cluster_rbac: &[
            "cainjector",
            "controller-issuers",
            "controller-clusterissuers",
            "controller-certificates",
            "controller-orders",
            "controller-challenges",
            "controller-ingress-shim",
            "controller-approve:cert-manager-io",
            "controller-certificatesigningrequests",
            "webhook:subjectaccessreviews",
        ],
        rbac: &[
            "cainjector:leaderelection",
            ":leaderelection",
            "webhook:dynamic-serving",
        ],
        crds: CERT_MANAGER_CRDS,
        validating_webhooks: &["webhook"],
        mutating_webhooks: &["webhook"],
        hooks: &[hook_rbac(
            "startupapicheck",
            PostInstall,
            "startupapicheck",
            false,
        )],
        operator: Some("cainjector"),
        ..EMPTY
    },
    Chart {
        name: "prometheus",
        repo: "prometheus-community",
        namespace: "prometheus",
        workloads: &[
            sts("alertmanager", 1).backs(&["alertmanager", "alertmanager-headless"]),
            deploy("kube-state-metrics", 1),
            ds("prometheus-node-exporter"),
            deploy("prometheus-pushgateway", 1),
            deploy("server", 1),
        ],
        service_accounts: &[
            "alertmanager",
            "kube-state-metrics",
            "prometheus-node-exporter",
            "prometheus-pushgateway",
            "server",
        ],
        config_maps: &["alertmanager", "server"],
        services: &[
            "alertmanager",
            "alertmanager-headless",
            "kube-state-metrics",
            "prometheus-node-exporter",
            "prometheus-pushgateway",
            "server",
        ],
        cluster_rbac: &["kube-state-metrics", "server"],
        pvcs: &["server"],
        ..EMPTY
    },
    Chart {
        name: "argo-cd",
        repo: "argo",
        namespace: "argo-cd",
        workloads: &[
            sts_ephemeral("=argocd-application-controller", 1),
            deploy("=argocd-applicationset-controller", 1),
            deploy("=argocd-dex-server", 1),
            deploy("=argocd-notifications-controller", 1),
            deploy("=argocd-redis", 1),
            deploy("=argocd-repo-server", 1),
            deploy("=argocd-server", 1),
        ],
        service_accounts: &[
            "=argocd-application-controller",
            "=argocd-applicationset-controller",
            "=argocd-dex-server",
            "=argocd-notifications-controller",
            "=argocd-repo-server",
            "=argocd-server",
        ],
        config_maps: &[
            "=argocd-cm",
            "=argocd-cmd-params-cm",
            "=argocd-gpg-keys-cm",
            "=argocd-notifications-cm",
            "=argocd-rbac-cm",
            "=argocd-ssh-known-hosts-cm",
            "=argocd-tls-certs-cm",
        ],
        secrets: &["=argocd-notifications-secret", "=argocd-secret"],
        services: &[
            "=argocd-application-controller",
            "=argocd-applicationset-controller",
            "=argocd-dex-server",
            "=argocd-redis",
            "=argocd-repo-server",
            "=argocd-server",
        ],
        cluster_rbac: &["=argocd-application-controller", "=argocd-server"],
        rbac: &[
            "=argocd-application-controller",
            "=argocd-applicationset-controller",
            "=argocd-dex-server",
            "=argocd-notifications-controller",
            "=argocd-server",
        ],
        crds: ARGO_CD_CRDS,
        operator: Some("=argocd-applicationset-controller"),
        ..EMPTY
    },
    Chart {
        name: "redis",
        repo: "bitnami",
        namespace: "redis",
        workloads: &[
            sts("master", 1).backs(&["master", "headless"]),
            sts("replicas", 3).backs(&["replicas", "headless"]),
        ],
        service_accounts: &[""],
        config_maps: &["configuration", "health", "scripts"],
        secrets: &[""],
        services: &["headless", "master", "replicas"],
        ..EMPTY
    },
    Chart {
        name: "grafana",
        repo: "grafana",
        namespace: "grafana",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        config_maps: &[""],
        secrets: &[""],
        services: &[""],
        cluster_rbac: &["clusterrole"],
        rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "kubernetes-dashboard",
        repo: "k8s-dashboard",
        namespace: "kubernetes-dashboard",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        config_maps: &["settings"],
        secrets: &["certs", "csrf", "key-holder"],
        services: &[""],
        cluster_rbac: &["metrics"],
        rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "postgresql",
        repo: "bitnami",
        namespace: "postgresql",
        workloads: &[sts("", 1).backs(&["", "hl"])],
        secrets: &[""],
        services: &["hl", ""],
        ..EMPTY
    },
    Chart {
        name: "traefik",
        repo: "traefik",
        namespace: "traefik",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        services: &[""],
        cluster_rbac: &[""],
        crds: TRAEFIK_CRDS,
        objects: &[(INGRESSCLASSES, "=traefik"), (INGRESSROUTES, "dashboard")],
        operator: Some(""),
        ..EMPTY
    },
    Chart {
        name: "gitlab",
        repo: "gitlab",
        namespace: "gitlab",
        workloads: &[
            deploy("certmanager", 1),
            sts("gitaly", 1),
            deploy("gitlab-exporter", 1),
            deploy("gitlab-shell", 2),
            deploy("kas", 2),
            deploy("minio", 1),
            deploy("nginx-ingress-controller", 2),
            deploy("nginx-ingress-defaultbackend", 1),
            sts("postgresql", 1).backs(&["postgresql", "postgresql-hl"]),
            sts("redis-master", 1).backs(&["redis-master", "redis-headless"]),
            deploy("registry", 2),
            deploy("sidekiq-all-in-1-v2", 1),
            deploy("toolbox", 1),
            deploy("webservice-default", 2),
            job("migrations-1"),
            job("minio-create-buckets-1"),
        ],
        service_accounts: &[
            "certmanager",
            "nginx-ingress",
            "shared-secrets",
            "gitlab-runner",
        ],
        config_maps: &[
            "gitaly",
            "gitlab-exporter",
            "gitlab-shell",
            "kas",
            "migrations",
            "minio-config-cm",
            "nginx-ingress-controller",
            "postgresql-init-db",
            "redis-configuration",
            "redis-health",
            "redis-scripts",
            "registry",
            "sidekiq",
            "toolbox",
            "webservice",
            "workhorse-default",
        ],
        secrets: &["minio-secret", "registry-secret", "postgresql-password"],
        services: &[
            "gitaly",
            "gitlab-exporter",
            "gitlab-shell",
            "kas",
            "minio-svc",
            "nginx-ingress-controller",
            "nginx-ingress-controller-metrics",
            "nginx-ingress-defaultbackend",
            "postgresql",
            "postgresql-hl",
            "redis-headless",
            "redis-master",
            "registry",
            "webservice-default",
        ],
        cluster_rbac: &["certmanager", "nginx-ingress"],
        rbac: &[
            "certmanager:leaderelection",
            "nginx-ingress",
            "shared-secrets",
        ],
        pvcs: &["minio"],
        objects: &[
            (INGRESSCLASSES, "=gitlab-nginx"),
            (PDBS, "gitaly"),
            (PDBS, "gitlab-shell"),
            (PDBS, "kas"),
            (PDBS, "registry"),
            (PDBS, "sidekiq-all-in-1-v1"),
            (PDBS, "webservice-default"),
            (HPAS, "gitlab-shell"),
            (HPAS, "kas"),
            (HPAS, "registry"),
            (HPAS, "sidekiq-all-in-1-v2"),
            (HPAS, "webservice-default"),
            (INGRESSES, "kas"),
            (INGRESSES, "minio"),
            (INGRESSES, "registry"),
            (INGRESSES, "webservice-default"),
        ],
        hooks: &[
            hook_rbac("shared-secrets", PreInstall, "shared-secrets", false),
            hook("issuer", PostInstall),
        ],
        operator: Some("nginx-ingress"),
        ..EMPTY
    },
    Chart {
        name: "jenkins",
        repo: "jenkinsci",
        namespace: "jenkins",
        workloads: &[sts_ephemeral("", 1).backs(&["", "agent"])],
        service_accounts: &[""],
        config_maps: &["", "jenkins-jcasc-config"],
        secrets: &[""],
        services: &["agent", ""],
        rbac: &["schedule-agents", "casc-reload"],
        pvcs: &[""],
        ..EMPTY
    },
    Chart {
        name: "elasticsearch",
        repo: "elastic",
        namespace: "elasticsearch",
        workloads: &[sts("=elasticsearch-master", 3)
            .backs(&["=elasticsearch-master", "=elasticsearch-master-headless"])],
        secrets: &[
            "=elasticsearch-master-credentials",
            "=elasticsearch-master-certs",
        ],
        services: &["=elasticsearch-master", "=elasticsearch-master-headless"],
        objects: &[(PDBS, "=elasticsearch-master-pdb")],
        ..EMPTY
    },
    Chart {
        name: "mysql",
        repo: "bitnami",
        namespace: "mysql",
        workloads: &[sts("", 1).backs(&["", "headless"])],
        service_accounts: &[""],
        config_maps: &[""],
        secrets: &[""],
        services: &["headless", ""],
        ..EMPTY
    },
    Chart {
        name: "vault",
        repo: "hashicorp",
        namespace: "vault",
        workloads: &[
            deploy("agent-injector", 1).backs(&["agent-injector-svc"]),
            sts("", 1).backs(&["", "internal"]),
        ],
        service_accounts: &["agent-injector", ""],
        config_maps: &["config"],
        services: &["agent-injector-svc", "internal", ""],
        cluster_rbac: &["agent-injector-clusterrole", "server-binding"],
        mutating_webhooks: &["agent-injector-cfg"],
        operator: Some("agent-injector"),
        ..EMPTY
    },
    Chart {
        name: "external-dns",
        repo: "bitnami",
        namespace: "external-dns",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        services: &[""],
        cluster_rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "rabbitmq",
        repo: "bitnami",
        namespace: "rabbitmq",
        workloads: &[sts("", 1).backs(&["", "headless"])],
        service_accounts: &[""],
        secrets: &["", "config"],
        services: &["headless", ""],
        rbac: &["endpoint-reader"],
        ..EMPTY
    },
    Chart {
        name: "kafka",
        repo: "bitnami",
        namespace: "kafka",
        workloads: &[
            sts("", 1).backs(&["", "headless"]),
            sts("zookeeper", 1).backs(&["zookeeper", "zookeeper-headless"]),
        ],
        service_accounts: &[""],
        config_maps: &["scripts", "zookeeper-scripts"],
        services: &["zookeeper-headless", "zookeeper", "headless", ""],
        ..EMPTY
    },
    Chart {
        name: "metrics-server",
        repo: "metrics-server",
        namespace: "kube-system",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        services: &[""],
        cluster_rbac: &[
            "system:{}-aggregated-reader",
            "system:{}",
            "{}:system:auth-delegator",
        ],
        rbac: &["kube-system/{}-auth-reader"],
        objects: &[(APISERVICES, "=v1beta1.metrics.k8s.io")],
        ..EMPTY
    },
    Chart {
        name: "harbor",
        repo: "harbor",
        namespace: "harbor",
        workloads: &[
            deploy("core", 1),
            sts("database", 1),
            deploy("jobservice", 1),
            deploy("notary-server", 1),
            deploy("notary-signer", 1),
            deploy("portal", 1),
            sts("redis", 1),
            deploy("registry", 1),
            sts("trivy", 1),
        ],
        config_maps: &[
            "core",
            "jobservice-env",
            "jobservice",
            "portal",
            "registry",
            "registryctl",
        ],
        secrets: &[
            "core",
            "database",
            "ingress",
            "jobservice",
            "notary-server",
            "registry",
            "registry-htpasswd",
            "registryctl",
            "trivy",
        ],
        services: &[
            "core",
            "database",
            "jobservice",
            "notary-server",
            "notary-signer",
            "portal",
            "redis",
            "registry",
            "trivy",
        ],
        pvcs: &["jobservice", "registry"],
        objects: &[(INGRESSES, "ingress"), (INGRESSES, "ingress-notary")],
        ..EMPTY
    },
    Chart {
        name: "aws-load-balancer-controller",
        repo: "aws",
        namespace: "kube-system",
        workloads: &[deploy("", 2).backs(&["=aws-load-balancer-webhook-service"])],
        service_accounts: &[""],
        secrets: &["=aws-load-balancer-tls"],
        services: &["=aws-load-balancer-webhook-service"],
        cluster_rbac: &["role"],
        rbac: &["leader-election-role"],
        crds: AWS_LB_CRDS,
        objects: &[
            (INGRESSCLASSES, "=alb"),
            (INGRESSCLASSPARAMS, "=alb"),
            (PDBS, ""),
        ],
        validating_webhooks: &["=aws-load-balancer-webhook"],
        mutating_webhooks: &["=aws-load-balancer-webhook"],
        operator: Some(""),
        ..EMPTY
    },
    Chart {
        name: "keycloak",
        repo: "bitnami",
        namespace: "keycloak",
        workloads: &[
            sts_ephemeral("", 1).backs(&["", "headless"]),
            sts("postgresql", 1).backs(&["postgresql", "postgresql-hl"]),
        ],
        service_accounts: &[""],
        config_maps: &["env-vars"],
        secrets: &["", "postgresql"],
        services: &["postgresql-hl", "postgresql", "headless", ""],
        ..EMPTY
    },
    Chart {
        name: "mongodb",
        repo: "bitnami",
        namespace: "mongodb",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        config_maps: &["common-scripts"],
        secrets: &[""],
        services: &[""],
        pvcs: &[""],
        ..EMPTY
    },
    Chart {
        name: "nextcloud",
        repo: "nextcloud",
        namespace: "nextcloud",
        workloads: &[deploy("", 1)],
        config_maps: &["config"],
        secrets: &[""],
        services: &[""],
        ..EMPTY
    },
    Chart {
        name: "airflow",
        repo: "apache-airflow",
        namespace: "airflow",
        workloads: &[
            sts("postgresql", 1).backs(&["postgresql", "postgresql-hl"]),
            sts("redis", 1),
            deploy("scheduler", 1),
            deploy("statsd", 1),
            deploy("triggerer", 1),
            deploy("webserver", 1),
            sts("worker", 1),
        ],
        service_accounts: &[
            "create-user-job",
            "migrate-database-job",
            "redis",
            "scheduler",
            "statsd",
            "triggerer",
            "webserver",
            "worker",
        ],
        config_maps: &["airflow-config", "statsd"],
        secrets: &[
            "postgresql",
            "airflow-metadata",
            "broker-url",
            "fernet-key",
            "redis-password",
            "webserver-secret-key",
        ],
        services: &[
            "postgresql-hl",
            "postgresql",
            "redis",
            "statsd",
            "webserver",
            "worker",
        ],
        rbac: &["pod-launcher-role", "pod-log-reader-role"],
        hooks: &[
            hook("run-airflow-migrations", PostInstall),
            hook("create-user", PostInstall),
        ],
        ..EMPTY
    },
    Chart {
        name: "gitlab-runner",
        repo: "gitlab",
        namespace: "gitlab-runner",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        config_maps: &[""],
        secrets: &[""],
        rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "loki",
        repo: "grafana",
        namespace: "loki",
        workloads: &[
            ds("canary"),
            deploy("gateway", 1),
            deploy("grafana-agent-operator", 1),
            sts("read", 3).backs(&["read", "read-headless", "memberlist"]),
            sts("write", 3).backs(&["write", "write-headless", "memberlist"]),
        ],
        service_accounts: &["", "canary", "grafana-agent-operator"],
        config_maps: &["", "gateway", "runtime"],
        services: &[
            "canary",
            "gateway",
            "memberlist",
            "read-headless",
            "read",
            "write-headless",
            "write",
        ],
        cluster_rbac: &["clusterrole", "grafana-agent-operator"],
        crds: GRAFANA_AGENT_CRDS,
        objects: &[(GRAFANAAGENTS, ""), (LOGSINSTANCES, ""), (PODLOGS, "")],
        operator: Some("grafana-agent-operator"),
        ..EMPTY
    },
    Chart {
        name: "cluster-autoscaler",
        repo: "cluster-autoscaler",
        namespace: "kube-system",
        workloads: &[deploy("aws-cluster-autoscaler", 1)],
        service_accounts: &["aws-cluster-autoscaler"],
        services: &["aws-cluster-autoscaler"],
        cluster_rbac: &["aws-cluster-autoscaler"],
        rbac: &["aws-cluster-autoscaler"],
        objects: &[(PDBS, "aws-cluster-autoscaler")],
        operator: Some("aws-cluster-autoscaler"),
        ..EMPTY
    },
    Chart {
        name: "velero",
        repo: "vmware-tanzu",
        namespace: "velero",
        workloads: &[deploy("", 1)],
        service_accounts: &["server"],
        secrets: &[""],
        services: &[""],
        cluster_rbac: &["server"],
        rbac: &["server"],
        crds: VELERO_CRDS,
        objects: &[
            (BACKUPSTORAGELOCATIONS, "=default"),
            (VOLUMESNAPSHOTLOCATIONS, "=default"),
        ],
        hooks: &[
            hook_rbac("upgrade-crds", PreInstall, "upgrade-crds", true),
            hook_rbac("cleanup-crds", PreDelete, "cleanup-crds", true),
        ],
        operator: Some("server"),
        ..EMPTY
    },
    Chart {
        name: "minio",
        repo: "bitnami",
        namespace: "minio",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        secrets: &[""],
        services: &[""],
        pvcs: &[""],
        ..EMPTY
    },
    Chart {
        name: "loki-stack",
        repo: "grafana",
        namespace: "loki-stack",
        workloads: &[
            sts("", 1).backs(&["", "headless", "memberlist"]),
            ds("promtail"),
        ],
        service_accounts: &["", "promtail"],
        config_maps: &[""],
        secrets: &["", "promtail"],
        services: &["", "headless", "memberlist"],
        cluster_rbac: &["promtail"],
        rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "artifact-hub",
        repo: "artifact-hub",
        namespace: "artifact-hub",
        workloads: &[
            deploy("hub", 1),
            sts("postgresql", 1).backs(&["postgresql", "postgresql-headless"]),
        ],
        service_accounts: &["hub"],
        secrets: &[
            "db-migrator-config",
            "hub",
            "postgresql",
            "scanner-config",
            "tracker-config",
        ],
        services: &["hub", "postgresql-headless", "postgresql"],
        rbac: &["job-reader"],
        objects: &[(CRONJOBS, "scanner"), (CRONJOBS, "tracker")],
        hooks: &[hook("db-migrator-install", PreInstall)],
        ..EMPTY
    },
    Chart {
        name: "fluent-bit",
        repo: "fluent",
        namespace: "fluent-bit",
        workloads: &[ds("")],
        service_accounts: &[""],
        config_maps: &[""],
        services: &[""],
        cluster_rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "longhorn",
        repo: "longhorn",
        namespace: "longhorn-system",
        workloads: &[
            deploy("=longhorn-driver-deployer", 1),
            ds("=longhorn-manager").backs(&["=longhorn-backend", "=longhorn-admission-webhook"]),
            deploy("=longhorn-ui", 2).backs(&["=longhorn-frontend"]),
        ],
        service_accounts: &["=longhorn-service-account"],
        config_maps: &["=longhorn-default-setting", "=longhorn-storageclass"],
        services: &[
            "=longhorn-admission-webhook",
            "=longhorn-backend",
            "=longhorn-conversion-webhook",
            "=longhorn-engine-manager",
            "=longhorn-frontend",
            "=longhorn-recovery-backend",
            "=longhorn-replica-manager",
        ],
        cluster_rbac: &["=longhorn-role"],
        crds: LONGHORN_CRDS,
        objects: &[(PRIORITYCLASSES, "=longhorn-critical")],
        hooks: &[hook("=longhorn-uninstall", PreDelete)],
        operator: Some("=longhorn-service-account"),
        ..EMPTY
    },
    Chart {
        name: "kibana",
        repo: "elastic",
        namespace: "kibana",
        workloads: &[deploy("kibana", 1)],
        config_maps: &["kibana-helm-scripts"],
        services: &["kibana"],
        hooks: &[
            hook_rbac(
                "kibana-pre-install",
                PreInstall,
                "kibana-pre-install",
                false,
            ),
            hook_rbac(
                "kibana-post-delete",
                PostDelete,
                "kibana-post-delete",
                false,
            ),
        ],
        ..EMPTY
    },
    Chart {
        name: "rancher",
        repo: "rancher-stable",
        namespace: "cattle-system",
        workloads: &[deploy("=rancher", 3)],
        service_accounts: &["=rancher"],
        services: &["=rancher"],
        cluster_rbac: &["=rancher"],
        objects: &[(INGRESSES, "=rancher"), (PDBS, "=rancher")],
        hooks: &[hook_rbac(
            "=rancher-post-delete",
            PostDelete,
            "=rancher-post-delete",
            true,
        )],
        operator: Some("=rancher"),
        ..EMPTY
    },
    Chart {
        name: "datadog",
        repo: "datadog",
        namespace: "datadog",
        workloads: &[
            ds("").backs(&[""]),
            deploy("cluster-agent", 1)
                .backs(&["cluster-agent", "cluster-agent-admission-controller"]),
        ],
        service_accounts: &["", "cluster-agent"],
        config_maps: &[
            "installinfo",
            "kpi-telemetry-configmap",
            "cluster-agent-confd",
        ],
        secrets: &["", "cluster-agent"],
        services: &["", "cluster-agent", "cluster-agent-admission-controller"],
        cluster_rbac: &["", "cluster-agent"],
        rbac: &["cluster-agent-main", "dca-flare"],
        crds: DATADOG_CRDS,
        operator: Some("cluster-agent"),
        ..EMPTY
    },
    Chart {
        name: "metrics-server",
        repo: "bitnami",
        namespace: "metrics-server",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        services: &[""],
        cluster_rbac: &["", "view", "{}:system:auth-delegator"],
        rbac: &["kube-system/{}-auth-reader"],
        ..EMPTY
    },
    Chart {
        name: "wordpress",
        repo: "bitnami",
        namespace: "wordpress",
        workloads: &[deploy("", 1), sts("mariadb", 1)],
        service_accounts: &["mariadb"],
        config_maps: &["mariadb"],
        secrets: &["", "mariadb"],
        services: &["mariadb", ""],
        pvcs: &[""],
        ..EMPTY
    },
    Chart {
        name: "consul",
        repo: "hashicorp",
        namespace: "consul",
        workloads: &[
            deploy("connect-injector", 1),
            sts("server", 1).backs(&["server", "dns", "ui"]),
            deploy("webhook-cert-manager", 1),
        ],
        service_accounts: &["connect-injector", "server", "webhook-cert-manager"],
        config_maps: &["server-config", "webhook-cert-manager-config"],
        services: &["connect-injector", "dns", "server", "ui"],
        cluster_rbac: &["connect-injector", "webhook-cert-manager"],
        rbac: &["server"],
        crds: CONSUL_CRDS,
        objects: &[(PDBS, "server")],
        mutating_webhooks: &["connect-injector"],
        operator: Some("webhook-cert-manager"),
        ..EMPTY
    },
    Chart {
        name: "external-dns",
        repo: "external-dns",
        namespace: "external-dns",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        services: &[""],
        cluster_rbac: &["", "viewer"],
        ..EMPTY
    },
    Chart {
        name: "thanos",
        repo: "bitnami",
        namespace: "thanos",
        workloads: &[
            deploy("query", 1).backs(&["query", "query-grpc"]),
            deploy("query-frontend", 1),
        ],
        service_accounts: &["query", "query-frontend"],
        services: &["query-frontend", "query-grpc", "query"],
        ..EMPTY
    },
    Chart {
        name: "pihole",
        repo: "mojo2600",
        namespace: "pihole",
        workloads: &[deploy("", 1).backs(&["web", "dns-tcp", "dns-udp"])],
        config_maps: &["custom-dnsmasq"],
        secrets: &["password"],
        services: &["dns-tcp", "dns-udp", "web"],
        objects: &[(PDBS, "pdb")],
        ..EMPTY
    },
    Chart {
        name: "kubeview",
        repo: "kubeview",
        namespace: "kubeview",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        services: &[""],
        cluster_rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "mariadb",
        repo: "bitnami",
        namespace: "mariadb",
        workloads: &[sts("", 1)],
        service_accounts: &[""],
        config_maps: &[""],
        secrets: &[""],
        services: &[""],
        ..EMPTY
    },
    Chart {
        name: "argo-workflows",
        repo: "argo",
        namespace: "argo-workflows",
        workloads: &[deploy("server", 1), deploy("workflow-controller", 1)],
        service_accounts: &["server", "workflow-controller"],
        config_maps: &["workflow-controller-configmap"],
        services: &["server"],
        cluster_rbac: &[
            "admin",
            "edit",
            "server",
            "server-cluster-template",
            "view",
            "workflow-controller",
            "workflow-controller-cluster-template",
        ],
        rbac: &["workflow"],
        crds: ARGO_WORKFLOWS_CRDS,
        operator: Some("workflow-controller"),
        ..EMPTY
    },
    Chart {
        name: "cilium",
        repo: "cilium",
        namespace: "kube-system",
        workloads: &[ds("=cilium"), deploy("=cilium-operator", 2)],
        service_accounts: &["=cilium", "=cilium-operator"],
        config_maps: &["=cilium-config"],
        secrets: &["=cilium-ca", "=hubble-server-certs"],
        services: &["=hubble-peer"],
        cluster_rbac: &["=cilium", "=cilium-operator"],
        rbac: &["=cilium-config-agent"],
        operator: Some("=cilium-operator"),
        ..EMPTY
    },
    Chart {
        name: "oauth2-proxy",
        repo: "oauth2-proxy",
        namespace: "oauth2-proxy",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        config_maps: &[""],
        secrets: &[""],
        services: &[""],
        ..EMPTY
    },
    Chart {
        name: "nfs-server-provisioner",
        repo: "kvaps",
        namespace: "nfs-server-provisioner",
        workloads: &[sts("", 1)],
        service_accounts: &[""],
        services: &[""],
        cluster_rbac: &[""],
        objects: &[(STORAGECLASSES, "=nfs")],
        ..EMPTY
    },
    Chart {
        name: "nfs-subdir-external-provisioner",
        repo: "nfs-subdir-external-provisioner",
        namespace: "nfs-provisioner",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        cluster_rbac: &["runner"],
        rbac: &["leader-locking"],
        objects: &[(STORAGECLASSES, "=nfs-client")],
        operator: Some(""),
        ..EMPTY
    },
    Chart {
        name: "nexus-repository-manager",
        repo: "sonatype",
        namespace: "nexus",
        workloads: &[deploy("", 1)],
        service_accounts: &[""],
        config_maps: &["conf", "properties"],
        services: &[""],
        pvcs: &["data"],
        objects: &[(INGRESSES, "")],
        ..EMPTY
    },
    Chart {
        name: "sonarqube",
        repo: "sonarqube",
        namespace: "sonarqube",
        workloads: &[
            sts("postgresql", 1).backs(&["postgresql", "postgresql-headless"]),
            sts_ephemeral("sonarqube", 1),
        ],
        config_maps: &[
            "sonarqube-config",
            "sonarqube-init-fs",
            "sonarqube-init-sysctl",
            "sonarqube-install-plugins",
            "sonarqube-prometheus-ce-config",
            "sonarqube-prometheus-config",
        ],
        secrets: &["postgresql", "sonarqube-monitoring-passcode"],
        services: &["postgresql-headless", "postgresql", "sonarqube"],
        hooks: &[hook("sonarqube-change-admin-password-hook", PostInstall)],
        ..EMPTY
    },
    Chart {
        name: "nginx",
        repo: "bitnami",
        namespace: "nginx",
        workloads: &[deploy("", 1)],
        services: &[""],
        ..EMPTY
    },
    Chart {
        name: "pgadmin4",
        repo: "runix",
        namespace: "pgadmin4",
        workloads: &[deploy("", 1)],
        secrets: &[""],
        services: &[""],
        pvcs: &[""],
        ..EMPTY
    },
    Chart {
        name: "promtail",
        repo: "grafana",
        namespace: "promtail",
        workloads: &[ds("")],
        service_accounts: &[""],
        secrets: &[""],
        cluster_rbac: &[""],
        ..EMPTY
    },
    Chart {
        name: "metallb",
        repo: "metallb",
        namespace: "metallb-system",
        workloads: &[
            deploy("controller", 1).backs(&["=metallb-webhook-service"]),
            ds("speaker"),
        ],
        service_accounts: &["controller", "speaker"],
        config_maps: &["=metallb-excludel2"],
        secrets: &["=memberlist", "=webhook-server-cert"],
        services: &["=metallb-webhook-service"],
        cluster_rbac: &["=metallb-system:controller", "=metallb-system:speaker"],
        rbac: &["controller", "pod-lister"],
        crds: METALLB_CRDS,
        validating_webhooks: &["=metallb-webhook-configuration"],
        operator: Some("controller"),
        ..EMPTY
    },
    Chart {
        name: "postgresql-ha",
        repo: "bitnami",
        namespace: "postgresql-ha",
        workloads: &[
            deploy("pgpool", 1),
            sts("postgresql", 3).backs(&["postgresql", "postgresql-headless"]),
        ],
        secrets: &["pgpool", "postgresql"],
        services: &["pgpool", "postgresql-headless", "postgresql"],
        ..EMPTY
    },
    Chart {
        name: "nginx-ingress",
        repo: "nginx",
        namespace: "nginx-ingress",
        workloads: &[deploy("nginx-ingress", 1)],
        service_accounts: &["nginx-ingress"],
        config_maps: &["nginx-ingress", "=nginx-ingress-leader-election"],
        secrets: &["nginx-ingress-default-server-tls"],
        services: &["nginx-ingress"],
        cluster_rbac: &["nginx-ingress"],
        crds: NGINX_INC_CRDS,
        objects: &[(INGRESSCLASSES, "=nginx")],
        operator: Some("nginx-ingress"),
        ..EMPTY
    },
    Chart {
        name: "elasticsearch",
        repo: "bitnami",
        namespace: "elasticsearch",
        workloads: &[
            sts("coordinating", 1).backs(&["", "coordinating-hl"]),
            sts("data", 1).backs(&["data-hl"]),
            sts("ingest", 1).backs(&["ingest-hl"]),
            sts("master", 1).backs(&["master-hl"]),
        ],
        service_accounts: &["coordinating", "data", "ingest", "master"],
        services: &["coordinating-hl", "data-hl", "ingest-hl", "master-hl", ""],
        ..EMPTY
    },
    Chart {
        name: "keycloak",
        repo: "codecentric",
        namespace: "keycloak",
        workloads: &[
            sts_ephemeral("", 1).backs(&["http", "headless"]),
            sts("postgresql", 1).backs(&["postgresql", "postgresql-headless"]),
        ],
        service_accounts: &[""],
        config_maps: &["startup"],
        secrets: &["postgresql"],
        services: &["headless", "http", "postgresql-headless", "postgresql"],
        ..EMPTY
    },
];

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
        assert_eq!(PROMETHEUSES.install_rank(), u8::MAX);
        assert_eq!(VALIDATING_WEBHOOKS.install_rank(), u8::MAX);
        assert!(SERVICES.uninstall_rank() < DEPLOYMENTS.uninstall_rank());
    }
}
