//! How the cluster reacts to what Helm does: the workload controllers create ReplicaSets, pods,
//! controller revisions and volume claims; the scheduler binds pods; kubelets start them and
//! report their status; the endpoints controllers follow services and ready pods; the garbage
//! collector deletes what a deleted object owned; the namespace controller empties a deleted
//! namespace; the API server establishes new CRDs; chart operators hold leases and report status.

use rand::RngExt;

use crate::catalog::{
    Api, WorkloadKind, CONFIGMAPS, CONTROLLERREVISIONS, CRDS, DAEMONSETS, DEPLOYMENTS, ENDPOINTS,
    ENDPOINTSLICES, EVENTS_V1, JOBS, LEASES, NAMESPACED_BUILTINS, NAMESPACES, PODS, PVCS,
    REPLICASETS, SERVICEACCOUNTS, STATEFULSETS,
};
use crate::cluster::{pick, Cluster, Phase, Pod, PodStep, Task, MILLI, SECOND};
use crate::event_writer::{ActorId, Outcome, Query, Request};

impl Cluster {
    /// A workload controller acts on a new workload object.
    pub(super) fn sync_workload(&mut self, release: u32, object: u16, step: u8) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        if self.releases[index].deleted.contains(&object) {
            return;
        }
        let chart = self.releases[index].chart;
        let plan = &self.charts[chart];
        let target = &plan.objects[usize::from(object)];
        let Some(workload) = target.workload.as_ref() else {
            return;
        };
        let namespace = plan.namespace_of(target).to_string();
        let name = target.name.clone();
        let (kind, replicas) = (workload.kind, workload.replicas);
        let actors = &self.actors;
        match (kind, step) {
            (WorkloadKind::Deployment, 0) => {
                let deployment = actors.deployment;
                let mut replica_set = format!("{name}-");
                self.log.push_suffix(&mut replica_set, 10);
                self.log.emit(
                    deployment,
                    &Request::new("create", &REPLICASETS, &namespace, &replica_set),
                );
                self.record_event(deployment, &namespace, &name);
                self.log.emit(
                    deployment,
                    &Request::new("update", &DEPLOYMENTS, &namespace, &name).sub("status"),
                );
                self.releases[index]
                    .replica_sets
                    .push((object, replica_set));
                let at = self.after(MILLI..10 * MILLI);
                self.queue.at(
                    at,
                    Task::Workload {
                        release,
                        object,
                        step: 1,
                    },
                );
            }
            (WorkloadKind::Deployment, _) => {
                let replicaset = actors.replicaset;
                let Some(replica_set) = self.releases[index]
                    .replica_sets
                    .iter()
                    .find(|(owner, _)| *owner == object)
                    .map(|(_, name)| name.clone())
                else {
                    return;
                };
                for _ in 0..replicas {
                    let mut pod = format!("{replica_set}-");
                    self.log.push_suffix(&mut pod, 5);
                    let node = self.worker();
                    self.create_pod(index, object, pod, node, replicaset, &namespace, false);
                    self.record_event(replicaset, &namespace, &replica_set);
                }
                self.log.emit(
                    replicaset,
                    &Request::new("update", &REPLICASETS, &namespace, &replica_set).sub("status"),
                );
            }
            (WorkloadKind::StatefulSet { volume }, _) => {
                let statefulset = actors.statefulset;
                let binder = actors.volume_binder;
                self.new_revision(index, object, statefulset, &namespace, &name);
                for ordinal in 0..replicas {
                    let claim = format!("data-{name}-{ordinal}");
                    let key = format!("{namespace}/{claim}");
                    // A claim left from an earlier release in the same namespace is reused.
                    if volume && !self.claims.contains(&key) {
                        self.claims.insert(key);
                        self.log.emit(
                            statefulset,
                            &Request::new("create", &PVCS, &namespace, &claim),
                        );
                        self.record_event(statefulset, &namespace, &name);
                        // The binder annotates the claim for the provisioner.
                        self.log
                            .emit(binder, &Request::new("update", &PVCS, &namespace, &claim));
                    }
                    let node = self.worker();
                    let pod = format!("{name}-{ordinal}");
                    self.create_pod(index, object, pod, node, statefulset, &namespace, true);
                    self.record_event(statefulset, &namespace, &name);
                }
                self.log.emit(
                    statefulset,
                    &Request::new("update", &STATEFULSETS, &namespace, &name).sub("status"),
                );
            }
            (WorkloadKind::DaemonSet, _) => {
                let daemonset = actors.daemonset;
                self.new_revision(index, object, daemonset, &namespace, &name);
                for node in 0..self.nodes.len() as u8 {
                    let mut pod = format!("{name}-");
                    self.log.push_suffix(&mut pod, 5);
                    self.create_pod(index, object, pod, node, daemonset, &namespace, false);
                    self.record_event(daemonset, &namespace, &name);
                }
                self.log.emit(
                    daemonset,
                    &Request::new("update", &DAEMONSETS, &namespace, &name).sub("status"),
                );
            }
            (WorkloadKind::Job, _) => {
                let job = actors.job;
                let mut pod = format!("{name}-");
                self.log.push_suffix(&mut pod, 5);
                let node = self.worker();
                self.create_pod(index, object, pod, node, job, &namespace, false);
                self.record_event(job, &namespace, &name);
                self.log.emit(
                    job,
                    &Request::new("update", &JOBS, &namespace, &name).sub("status"),
                );
            }
        }
    }

    /// A random worker node (index 0 is the control plane, which takes only DaemonSet pods).
    fn worker(&mut self) -> u8 {
        self.rng.random_range(1..self.nodes.len() as u8)
    }

    fn new_revision(
        &mut self,
        index: usize,
        object: u16,
        actor: ActorId,
        namespace: &str,
        name: &str,
    ) {
        let mut revision = format!("{name}-");
        self.log.push_suffix(&mut revision, 10);
        self.log.emit(
            actor,
            &Request::new("create", &CONTROLLERREVISIONS, namespace, &revision),
        );
        self.releases[index].revisions.push((object, revision));
    }

    /// Creates a pod for `owner`. Controllers that generate names send none (`generateName`),
    /// so the audit event names no object; StatefulSets name their pods.
    #[allow(clippy::too_many_arguments)]
    fn create_pod(
        &mut self,
        index: usize,
        owner: u16,
        name: String,
        node: u8,
        actor: ActorId,
        namespace: &str,
        named: bool,
    ) {
        let shown = if named { name.as_str() } else { "" };
        self.log
            .emit(actor, &Request::new("create", &PODS, namespace, shown));
        let release = &mut self.releases[index];
        let key = release.next_pod;
        release.next_pod += 1;
        release.pods.push(Pod {
            key,
            name,
            node,
            owner,
            bound: false,
            ready: false,
            terminating: false,
        });
        let id = release.id;
        let at = self.after(2 * MILLI..30 * MILLI);
        self.queue.at(
            at,
            Task::Pod {
                release: id,
                pod: key,
                step: PodStep::Bind,
            },
        );
    }

    /// The next step of a pod's life: binding, start-up, readiness, completion, termination.
    pub(super) fn pod_step(&mut self, release: u32, key: u32, step: PodStep) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        let Some(position) = self.releases[index]
            .pods
            .iter()
            .position(|pod| pod.key == key)
        else {
            return;
        };
        let pod = &self.releases[index].pods[position];
        let terminating_step = matches!(step, PodStep::Terminate | PodStep::Remove);
        if pod.terminating && !terminating_step {
            return;
        }
        let (name, node, owner, bound, ready) =
            (pod.name.clone(), pod.node, pod.owner, pod.bound, pod.ready);
        let chart = self.releases[index].chart;
        let plan = &self.charts[chart];
        let owner_object = &plan.objects[usize::from(owner)];
        let namespace = plan.namespace_of(owner_object).to_string();
        let (kind, account) = owner_object
            .workload
            .as_ref()
            .map(|workload| (workload.kind, workload.service_account.clone()))
            .unwrap_or((WorkloadKind::Deployment, "default".to_string()));
        let kubelet = self.nodes[usize::from(node)].kubelet;
        let next = |step| Task::Pod {
            release,
            pod: key,
            step,
        };
        match step {
            PodStep::Bind => {
                let scheduler = self.actors.scheduler;
                self.log.emit(
                    scheduler,
                    &Request::new("create", &PODS, &namespace, &name).sub("binding"),
                );
                // The scheduler reports through the events.k8s.io API.
                self.scratch.clear();
                self.scratch.push_str(&name);
                self.scratch.push('.');
                self.log.push_hex(&mut self.scratch, 16);
                self.log.emit(
                    scheduler,
                    &Request::new("create", &EVENTS_V1, &namespace, &self.scratch),
                );
                self.releases[index].pods[position].bound = true;
                let at = self.after(20 * MILLI..300 * MILLI);
                self.queue.at(at, next(PodStep::Admit));
            }
            PodStep::Admit => {
                self.log
                    .emit(kubelet, &Request::new("get", &PODS, &namespace, &name));
                self.log.emit(
                    kubelet,
                    &Request::new("create", &SERVICEACCOUNTS, &namespace, &account).sub("token"),
                );
                self.log.emit(
                    kubelet,
                    &Request::new("patch", &PODS, &namespace, &name).sub("status"),
                );
                self.record_event(kubelet, &namespace, &name);
                let at = self.after(SECOND..8 * SECOND);
                self.queue.at(at, next(PodStep::Start));
            }
            PodStep::Start => {
                // Pulled, Created, Started.
                for _ in 0..3 {
                    self.record_event(kubelet, &namespace, &name);
                }
                self.log
                    .emit(kubelet, &Request::new("get", &PODS, &namespace, &name));
                self.log.emit(
                    kubelet,
                    &Request::new("patch", &PODS, &namespace, &name).sub("status"),
                );
                let (step, delay) = if kind == WorkloadKind::Job {
                    (PodStep::Succeed, 2 * SECOND..6 * SECOND)
                } else {
                    (PodStep::Ready, 2 * SECOND..15 * SECOND)
                };
                let at = self.after(delay);
                self.queue.at(at, next(step));
            }
            PodStep::Ready => {
                if self.rng.random_bool(0.2) {
                    // A readiness probe failed a few times during start-up: the kubelet bumps the
                    // count of its Unhealthy event.
                    self.scratch.clear();
                    self.scratch.push_str(&name);
                    self.scratch.push('.');
                    self.log.push_hex(&mut self.scratch, 16);
                    self.log.emit(
                        kubelet,
                        &Request::new("patch", &crate::catalog::EVENTS, &namespace, &self.scratch),
                    );
                }
                self.log
                    .emit(kubelet, &Request::new("get", &PODS, &namespace, &name));
                self.log.emit(
                    kubelet,
                    &Request::new("patch", &PODS, &namespace, &name).sub("status"),
                );
                self.releases[index].pods[position].ready = true;
                self.update_endpoints(index, owner);
                self.report_ready(index, owner);
            }
            PodStep::Succeed => {
                self.log
                    .emit(kubelet, &Request::new("get", &PODS, &namespace, &name));
                self.log.emit(
                    kubelet,
                    &Request::new("patch", &PODS, &namespace, &name).sub("status"),
                );
                let job = self.actors.job;
                let job_name = owner_object.name.clone();
                self.log.emit(
                    job,
                    &Request::new("update", &JOBS, &namespace, &job_name).sub("status"),
                );
                self.record_event(job, &namespace, &job_name);
                self.releases[index].finished_jobs.push(owner);
                self.hook_job_finished(release, owner);
            }
            PodStep::Terminate => {
                if !bound {
                    // Never reached a node: the API server removes it at once.
                    self.releases[index].pods.remove(position);
                    self.retire_if_gone(index);
                    return;
                }
                self.record_event(kubelet, &namespace, &name);
                self.log
                    .emit(kubelet, &Request::new("get", &PODS, &namespace, &name));
                self.log.emit(
                    kubelet,
                    &Request::new("patch", &PODS, &namespace, &name).sub("status"),
                );
                if ready {
                    self.releases[index].pods[position].ready = false;
                    self.update_endpoints(index, owner);
                }
                let at = self.after(300 * MILLI..3 * SECOND);
                self.queue.at(at, next(PodStep::Remove));
            }
            PodStep::Remove => {
                // The kubelet confirms the graceful deletion once the containers are gone.
                self.log
                    .emit(kubelet, &Request::new("delete", &PODS, &namespace, &name));
                self.releases[index].pods.remove(position);
                self.retire_if_gone(index);
            }
        }
    }

    /// The endpoints controllers rewrite the endpoints of every service the workload backs.
    fn update_endpoints(&mut self, index: usize, workload: u16) {
        let plan = &self.charts[self.releases[index].chart];
        let Some(plan_workload) = plan.objects[usize::from(workload)].workload.as_ref() else {
            return;
        };
        for service in &plan_workload.services {
            let Some((_, slice)) = self.releases[index]
                .slices
                .iter()
                .find(|(owner, _)| owner == service)
            else {
                continue;
            };
            let object = &plan.objects[usize::from(*service)];
            let namespace = plan.namespace_of(object);
            self.log.emit(
                self.actors.endpoint,
                &Request::new("update", &ENDPOINTS, namespace, &object.name),
            );
            self.log.emit(
                self.actors.endpointslice,
                &Request::new("update", &ENDPOINTSLICES, namespace, slice),
            );
        }
    }

    /// The workload's controller records that one more pod is ready.
    fn report_ready(&mut self, index: usize, workload: u16) {
        let plan = &self.charts[self.releases[index].chart];
        let object = &plan.objects[usize::from(workload)];
        let namespace = plan.namespace_of(object);
        let Some(kind) = object.workload.as_ref().map(|workload| workload.kind) else {
            return;
        };
        match kind {
            WorkloadKind::Deployment => {
                if let Some((_, replica_set)) = self.releases[index]
                    .replica_sets
                    .iter()
                    .find(|(owner, _)| *owner == workload)
                {
                    self.log.emit(
                        self.actors.replicaset,
                        &Request::new("update", &REPLICASETS, namespace, replica_set).sub("status"),
                    );
                }
                let status =
                    Request::new("update", &DEPLOYMENTS, namespace, &object.name).sub("status");
                if self.rng.random_bool(0.1) {
                    // Two syncs raced on the same resource version; the loser retries.
                    self.log
                        .emit(self.actors.deployment, &status.outcome(Outcome::Conflict));
                }
                self.log.emit(self.actors.deployment, &status);
            }
            WorkloadKind::StatefulSet { .. } => self.log.emit(
                self.actors.statefulset,
                &Request::new("update", &STATEFULSETS, namespace, &object.name).sub("status"),
            ),
            WorkloadKind::DaemonSet => self.log.emit(
                self.actors.daemonset,
                &Request::new("update", &DAEMONSETS, namespace, &object.name).sub("status"),
            ),
            WorkloadKind::Job => {}
        }
    }

    /// The endpoints controllers give a new service its Endpoints and EndpointSlice.
    pub(super) fn service_created(&mut self, release: u32, object: u16) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        if self.releases[index].deleted.contains(&object) {
            return;
        }
        let plan = &self.charts[self.releases[index].chart];
        let service = &plan.objects[usize::from(object)];
        let namespace = plan.namespace_of(service);
        self.log.emit(
            self.actors.endpoint,
            &Request::new("create", &ENDPOINTS, namespace, &service.name),
        );
        // The slice's name is generated by the server.
        self.log.emit(
            self.actors.endpointslice,
            &Request::new("create", &ENDPOINTSLICES, namespace, ""),
        );
        let mut slice = format!("{}-", service.name);
        self.log.push_suffix(&mut slice, 5);
        self.releases[index].slices.push((object, slice));
    }

    /// Helm deleted an object with dependents: the garbage collector deletes what it owned
    /// (background propagation), the endpoints controller drops a service's endpoints.
    pub(super) fn object_deleted(&mut self, release: u32, object: u16) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        let gc = self.actors.garbage_collector;
        let plan = &self.charts[self.releases[index].chart];
        let target = &plan.objects[usize::from(object)];
        let namespace = plan.namespace_of(target).to_string();
        if target.api.resource == "services" {
            self.log.emit(
                self.actors.endpoint,
                &Request::new("delete", &ENDPOINTS, &namespace, &target.name),
            );
            let slices = &mut self.releases[index].slices;
            if let Some(position) = slices.iter().position(|(owner, _)| *owner == object) {
                let (_, slice) = slices.remove(position);
                self.log.emit(
                    gc,
                    &Request::new("delete", &ENDPOINTSLICES, &namespace, &slice),
                );
            }
            return;
        }
        let release_state = &mut self.releases[index];
        let replica_sets: Vec<String> = take_owned(&mut release_state.replica_sets, object);
        let revisions: Vec<String> = take_owned(&mut release_state.revisions, object);
        for replica_set in &replica_sets {
            self.log.emit(
                gc,
                &Request::new("delete", &REPLICASETS, &namespace, replica_set),
            );
        }
        let doomed: Vec<(u32, String)> = self.releases[index]
            .pods
            .iter()
            .filter(|pod| pod.owner == object && !pod.terminating)
            .map(|pod| (pod.key, pod.name.clone()))
            .collect();
        for (key, name) in doomed {
            self.log
                .emit(gc, &Request::new("delete", &PODS, &namespace, &name));
            self.terminate(index, key);
        }
        for revision in &revisions {
            self.log.emit(
                gc,
                &Request::new("delete", &CONTROLLERREVISIONS, &namespace, revision),
            );
        }
    }

    /// Marks a pod as terminating and hands it to its kubelet.
    fn terminate(&mut self, index: usize, key: u32) {
        let release = &mut self.releases[index];
        if let Some(pod) = release.pods.iter_mut().find(|pod| pod.key == key) {
            pod.terminating = true;
        }
        let id = release.id;
        let at = self.after(5 * MILLI..50 * MILLI);
        self.queue.at(
            at,
            Task::Pod {
                release: id,
                pod: key,
                step: PodStep::Terminate,
            },
        );
    }

    /// Every new namespace gets a `default` service account and the cluster's CA bundle.
    pub(super) fn namespace_created(&mut self, release: u32) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        let namespace = &self.charts[self.releases[index].chart].namespace;
        self.log.emit(
            self.actors.service_account,
            &Request::new("create", &SERVICEACCOUNTS, namespace, "default"),
        );
        self.log.emit(
            self.actors.root_ca,
            &Request::new("create", &CONFIGMAPS, namespace, "kube-root-ca.crt"),
        );
    }

    /// The API server accepts a new CRD's names and establishes it; from then on discovery
    /// lists its group-version and the namespace controller empties its objects.
    pub(super) fn crd_established(&mut self, chart: u16, crd: u16) {
        let (api, name) = &self.charts[usize::from(chart)].crds[usize::from(crd)];
        let api: Api = *api;
        for _ in 0..2 {
            self.log.emit(
                self.actors.apiserver,
                &Request::new("update", &CRDS, "", name).sub("status"),
            );
        }
        let path = api.group_version_path();
        if !self.discovery.contains(&path) {
            self.discovery.push(path);
        }
        if api.namespaced
            && !self
                .custom_types
                .iter()
                .any(|known| known.group == api.group && known.resource == api.resource)
        {
            self.custom_types.push(api);
        }
    }

    /// The namespace controller deletes everything in a deleted namespace, type by type
    /// (`deletecollection` then `list` to check), and finally removes its finalizer.
    pub(super) fn sweep_namespace(&mut self, release: u32, step: u16) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        let controller = self.actors.namespace;
        let namespace = self.charts[self.releases[index].chart].namespace.clone();
        let types = NAMESPACED_BUILTINS.len() + self.custom_types.len();
        let step_usize = usize::from(step);
        if step == 0 {
            self.log.emit(
                controller,
                &Request::new("get", &NAMESPACES, "", &namespace),
            );
            self.log.emit(
                controller,
                &Request::new("update", &NAMESPACES, "", &namespace).sub("status"),
            );
            self.discover(controller, Query::None);
        } else if step_usize <= 2 * types {
            let position = (step_usize - 1) / 2;
            let api = if position < NAMESPACED_BUILTINS.len() {
                NAMESPACED_BUILTINS[position]
            } else {
                self.custom_types[position - NAMESPACED_BUILTINS.len()]
            };
            let verb = if step % 2 == 1 {
                "deletecollection"
            } else {
                "list"
            };
            self.log
                .emit(controller, &Request::new(verb, &api, &namespace, ""));
            if verb == "deletecollection" && api.resource == "pods" && api.group.is_empty() {
                let left: Vec<u32> = self.releases[index]
                    .pods
                    .iter()
                    .filter(|pod| !pod.terminating)
                    .map(|pod| pod.key)
                    .collect();
                for key in left {
                    self.terminate(index, key);
                }
            }
        } else {
            self.log.emit(
                controller,
                &Request::new("update", &NAMESPACES, "", &namespace).sub("finalize"),
            );
            self.releases[index].swept = true;
            self.namespaces.remove(&namespace);
            let prefix = format!("{namespace}/");
            self.claims.retain(|claim| !claim.starts_with(&prefix));
            self.retire_if_gone(index);
            return;
        }
        let at = self.after(1_500..4 * MILLI);
        self.queue.at(
            at,
            Task::NamespaceSweep {
                release,
                step: step + 1,
            },
        );
    }

    /// A chart's operator: on its first round it injects its CA into the chart's webhook
    /// configurations; every round it renews its leader lease; now and then it updates the
    /// status of one of the chart's custom objects.
    pub(super) fn operator(&mut self, release: u32, round: u32) {
        let Some(index) = self.release_index(release) else {
            return;
        };
        if self.releases[index].phase != Phase::Installed {
            return;
        }
        let plan = &self.charts[self.releases[index].chart];
        let Some(actor) = plan.operator else {
            return;
        };
        if round == 0 {
            for webhook in &plan.webhooks {
                let object = &plan.objects[usize::from(*webhook)];
                self.log.emit(
                    actor,
                    &Request::new("update", &object.api, "", &object.name),
                );
            }
        }
        self.log.emit(
            actor,
            &Request::new("get", &LEASES, &plan.namespace, &plan.lease),
        );
        self.log.emit(
            actor,
            &Request::new("update", &LEASES, &plan.namespace, &plan.lease),
        );
        if !plan.custom_objects.is_empty() && self.rng.random_bool(0.2) {
            let chosen = pick(&mut self.rng, plan.custom_objects.len());
            let object = &plan.objects[usize::from(plan.custom_objects[chosen])];
            self.log.emit(
                actor,
                &Request::new(
                    "update",
                    &object.api,
                    plan.namespace_of(object),
                    &object.name,
                )
                .sub("status"),
            );
        }
        let at = self.after(2 * SECOND..5 * SECOND);
        self.queue.at(
            at,
            Task::Operator {
                release,
                round: round + 1,
            },
        );
    }
}

/// Removes and returns the names a given owner has in a list of (owner, name).
fn take_owned(list: &mut Vec<(u16, String)>, owner: u16) -> Vec<String> {
    let mut taken = Vec::new();
    list.retain(|(candidate, name)| {
        if *candidate == owner {
            taken.push(name.clone());
            false
        } else {
            true
        }
    });
    taken
}
