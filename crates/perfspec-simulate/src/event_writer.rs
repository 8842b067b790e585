//! Audit events as NDJSON lines, written by hand into one reused buffer.
//!
//! Every field the simulation writes is plain ASCII chosen by the simulation itself: resource and
//! object names follow Kubernetes naming rules (lower-case letters, digits, `-`, `.`, `:`), user
//! agents, IP addresses and timestamps hold no quotes or backslashes. So the line is formatted
//! directly, without going through a serialiser per event; this is what makes the generator fast
//! (figures: BENCHMARKS.md, "Simulator"). The few strings that do need escaping (the RBAC reasons
//! in the annotations) are rendered once per actor with `serde_json` and reused.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};

use crate::catalog::Api;
use crate::SimulationLimit;

/// Index of an [`Actor`] in the [`EventLog`].
pub(crate) type ActorId = u16;

/// A client of the API server as the audit log shows it: user, source address and user agent,
/// with the authorizer's verdict on its requests.
pub(crate) struct Actor {
    /// `"user":{...},"sourceIPs":[...],"userAgent":"...",` ready to copy into a line.
    identity: String,
    /// The authorization annotations, without the surrounding braces.
    authorization: String,
}

impl Actor {
    /// `reason` is what the authorizer says about the decision (empty for `system:masters` and
    /// the node authorizer, an RBAC binding otherwise).
    pub fn new(
        username: &str,
        groups: &[&str],
        source_ip: &str,
        user_agent: &str,
        reason: &str,
    ) -> Self {
        let json = |text: &str| serde_json::Value::from(text).to_string();
        let groups: Vec<String> = groups.iter().map(|group| json(group)).collect();
        Self {
            identity: format!(
                "\"user\":{{\"username\":{},\"groups\":[{}]}},\"sourceIPs\":[{}],\"userAgent\":{},",
                json(username),
                groups.join(","),
                json(source_ip),
                json(user_agent),
            ),
            authorization: format!(
                "\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":{}",
                json(reason)
            ),
        }
    }
}

/// What the API server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    Created,
    NotFound,
    AlreadyExists,
    /// An update lost an optimistic-concurrency race (`the object has been modified`).
    Conflict,
}

impl Outcome {
    fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "200",
            Outcome::Created => "201",
            Outcome::NotFound => "404",
            Outcome::AlreadyExists | Outcome::Conflict => "409",
        }
    }
}

/// The field or label selector of a list or watch, written pre-encoded into the query.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Selector<'a> {
    None,
    /// `fieldSelector=metadata.name=NAME`; the API server then also names the object in
    /// `objectRef`.
    Name(&'a str),
    /// `fieldSelector=spec.nodeName=NODE`, the kubelet's view of its own pods.
    Node(&'a str),
    /// A complete, already percent-encoded `fieldSelector=...` or `labelSelector=...`.
    Raw(&'static str),
}

/// The query string of the request URI.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Query<'a> {
    None,
    /// A complete query string with its leading `?`.
    Raw(&'static str),
    /// Helm's look-up of a release's history: `?labelSelector=name=RELEASE,owner=helm`.
    ReleaseHistory(&'a str),
    /// An informer's or client's list: `limit=500&resourceVersion=0`.
    List(Selector<'a>),
    /// A watch from the current resource version that the server ends after `timeout_s`.
    Watch(Selector<'a>, u32),
}

/// What a request is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'a> {
    /// A request without an object: discovery (`/apis`), health (`/readyz`).
    Path(&'a str),
    /// A request on a resource; empty strings stand for an absent namespace or name.
    Object {
        api: &'a Api,
        namespace: &'a str,
        name: &'a str,
        subresource: &'static str,
    },
}

/// One API request, described by the parts the audit event is built from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub verb: &'static str,
    pub target: Target<'a>,
    pub query: Query<'a>,
    pub outcome: Outcome,
}

impl<'a> Request<'a> {
    /// A `get` of a path that is not a resource.
    pub fn path(path: &'a str) -> Self {
        Self {
            verb: "get",
            target: Target::Path(path),
            query: Query::None,
            outcome: Outcome::Ok,
        }
    }

    /// A request on a resource; `namespace` and `name` may be empty. Creates answer 201,
    /// everything else 200, until [`Request::outcome`] says otherwise.
    pub fn new(verb: &'static str, api: &'a Api, namespace: &'a str, name: &'a str) -> Self {
        Self {
            verb,
            target: Target::Object {
                api,
                namespace,
                name,
                subresource: "",
            },
            query: Query::None,
            outcome: if verb == "create" {
                Outcome::Created
            } else {
                Outcome::Ok
            },
        }
    }

    pub fn sub(mut self, subresource: &'static str) -> Self {
        if let Target::Object {
            subresource: ref mut slot,
            ..
        } = self.target
        {
            *slot = subresource;
        }
        self
    }

    pub fn query(mut self, query: Query<'a>) -> Self {
        self.query = query;
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }
}

/// An audit ID: a UUID in its 36-character text form.
pub(crate) type AuditId = [u8; 36];

/// A watch the log has shown starting, to be shown ending under the same audit ID.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpenWatch {
    pub audit_id: AuditId,
    pub received: u64,
}

/// The audit log being written: the clock, the actors, the output buffer and the size limit.
pub(crate) struct EventLog {
    buffer: String,
    limit: SimulationLimit,
    events: u64,
    bytes: u64,
    done: bool,
    /// The simulation clock, in microseconds since the Unix epoch: when the next request arrives.
    pub now: u64,
    last_stage: u64,
    resource_version: u64,
    /// Audit IDs and latencies come from their own stream so that they never shift the
    /// simulation's decisions.
    rng: ChaCha8Rng,
    actors: Vec<Actor>,
    timestamps: TimestampText,
}

/// Formats timestamps, reusing the date and time of day while the second does not change.
struct TimestampText {
    second: u64,
    text: [u8; 19],
}

impl TimestampText {
    /// RFC 3339 in UTC with microseconds, as the API server writes it.
    fn push(&mut self, line: &mut String, micros: u64) {
        let second = micros / 1_000_000;
        if second != self.second {
            self.second = second;
            self.text = format_second(second);
        }
        // The cached text is ASCII digits and separators by construction.
        line.push_str(std::str::from_utf8(&self.text).unwrap_or_default());
        line.push('.');
        push_padded(line, micros % 1_000_000, 6);
        line.push('Z');
    }
}

/// How much buffered output is handed to the writer at a time.
pub(crate) const FLUSH_AT: usize = 256 * 1024;

impl EventLog {
    pub fn new(seed: u64, start: u64, limit: SimulationLimit) -> Self {
        Self {
            buffer: String::with_capacity(FLUSH_AT + 64 * 1024),
            limit,
            events: 0,
            bytes: 0,
            done: matches!(
                limit,
                SimulationLimit::Events(0) | SimulationLimit::Bytes(0)
            ),
            now: start,
            last_stage: start,
            // Real clusters have long histories: resource versions are large numbers.
            resource_version: 6_000_000 + seed % 1_000_000,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6175_6469_7420_6c6f),
            actors: Vec::new(),
            timestamps: TimestampText {
                second: u64::MAX,
                text: [b'0'; 19],
            },
        }
    }

    pub fn add_actor(&mut self, actor: Actor) -> ActorId {
        self.actors.push(actor);
        (self.actors.len() - 1) as ActorId
    }

    /// Whether the limit has been reached: nothing more will be written.
    pub fn done(&self) -> bool {
        self.done
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The text written since the last call, to be handed to the output.
    pub fn pending(&self) -> &str {
        &self.buffer
    }

    pub fn clear_pending(&mut self) {
        self.buffer.clear();
    }

    /// Random letters of the alphabet Kubernetes uses for generated name suffixes.
    pub fn push_suffix(&mut self, name: &mut String, len: usize) {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        for _ in 0..len {
            name.push(ALPHABET[self.rng.random_range(0..ALPHABET.len() as u32) as usize] as char);
        }
    }

    /// Random lower-case hex digits, as in event names (`pod.173e3ddb01a2e3b9`).
    pub fn push_hex(&mut self, name: &mut String, len: usize) {
        const HEX: &[u8] = b"0123456789abcdef";
        for _ in 0..len {
            name.push(HEX[self.rng.random_range(0..16u32) as usize] as char);
        }
    }

    /// Writes one complete request (stage `ResponseComplete`) received now, and moves the clock
    /// past its response.
    pub fn emit(&mut self, actor: ActorId, request: &Request<'_>) {
        if self.done {
            return;
        }
        let latency = self.latency(request.verb);
        let received = self.now;
        let stage = (received + latency).max(self.last_stage);
        let audit_id = self.new_audit_id();
        self.write(
            actor,
            request,
            &audit_id,
            "ResponseComplete",
            received,
            stage,
        );
        if is_mutation(request.verb) {
            self.resource_version += self.rng.random_range(1..4);
        }
        // A client sends its next request once this one has returned.
        self.now = received + latency + self.rng.random_range(20..300);
    }

    /// Writes the `ResponseStarted` event of a watch and returns what its end needs.
    pub fn start_watch(&mut self, actor: ActorId, request: &Request<'_>) -> OpenWatch {
        let audit_id = self.new_audit_id();
        let received = self.now;
        if !self.done {
            let stage = (received + self.rng.random_range(200..900)).max(self.last_stage);
            self.write(
                actor,
                request,
                &audit_id,
                "ResponseStarted",
                received,
                stage,
            );
        }
        self.now = received + self.rng.random_range(100..400);
        OpenWatch { audit_id, received }
    }

    /// Writes the `ResponseComplete` event of a watch started earlier: the receive time is the
    /// watch's start, the stage time is now.
    pub fn end_watch(&mut self, actor: ActorId, request: &Request<'_>, watch: &OpenWatch) {
        if self.done {
            return;
        }
        let stage = self.now.max(self.last_stage);
        self.write(
            actor,
            request,
            &watch.audit_id,
            "ResponseComplete",
            watch.received,
            stage,
        );
        self.now += self.rng.random_range(20..200);
    }

    /// How long the API server takes to answer, by verb, in microseconds.
    fn latency(&mut self, verb: &str) -> u64 {
        let range = match verb {
            "get" => 300..3_000,
            "list" => 1_000..15_000,
            "create" | "update" | "patch" => 2_000..12_000,
            "delete" => 2_500..16_000,
            "deletecollection" => 4_000..40_000,
            _ => 500..5_000,
        };
        self.rng.random_range(range)
    }

    fn new_audit_id(&mut self) -> AuditId {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let high = self.rng.next_u64();
        let low = self.rng.next_u64();
        // A version-4 UUID: 4 in the version nibble, 10xx in the variant bits.
        let high = (high & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let bits = (u128::from(high) << 64) | u128::from(low);
        let mut id = [b'-'; 36];
        let mut nibble = 0;
        for (position, slot) in id.iter_mut().enumerate() {
            if matches!(position, 8 | 13 | 18 | 23) {
                continue;
            }
            *slot = HEX[((bits >> (124 - 4 * nibble)) & 0xf) as usize];
            nibble += 1;
        }
        id
    }

    fn write(
        &mut self,
        actor: ActorId,
        request: &Request<'_>,
        audit_id: &AuditId,
        stage: &str,
        received: u64,
        stage_time: u64,
    ) {
        if let SimulationLimit::Events(limit) = self.limit {
            if self.events >= limit {
                self.done = true;
                return;
            }
        }
        let start = self.buffer.len();
        let line = &mut self.buffer;
        line.push_str(
            "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"",
        );
        // The ID is ASCII hex and dashes by construction.
        line.push_str(std::str::from_utf8(audit_id).unwrap_or_default());
        line.push_str("\",\"stage\":\"");
        line.push_str(stage);
        line.push_str("\",\"requestURI\":\"");
        write_uri(line, request, self.resource_version);
        line.push_str("\",\"verb\":\"");
        line.push_str(request.verb);
        line.push_str("\",");
        let actor = &self.actors[usize::from(actor)];
        line.push_str(&actor.identity);
        if let Target::Object {
            api,
            namespace,
            name,
            subresource,
        } = request.target
        {
            write_object_ref(line, request.verb, api, namespace, name, subresource);
        }
        write_status(line, request);
        line.push_str("\"requestReceivedTimestamp\":\"");
        self.timestamps.push(line, received);
        line.push_str("\",\"stageTimestamp\":\"");
        self.timestamps.push(line, stage_time);
        line.push_str("\",\"annotations\":{");
        if request.verb == "create" {
            if let Target::Object {
                api,
                subresource: "",
                ..
            } = request.target
            {
                if api.resource == "pods" {
                    line.push_str(
                        "\"pod-security.kubernetes.io/enforce-policy\":\"privileged:latest\",",
                    );
                }
            }
        }
        line.push_str(&actor.authorization);
        line.push_str("}}\n");

        let written = (self.buffer.len() - start) as u64;
        if let SimulationLimit::Bytes(limit) = self.limit {
            if self.bytes + written > limit {
                self.buffer.truncate(start);
                self.done = true;
                return;
            }
        }
        self.events += 1;
        self.bytes += written;
        self.last_stage = self.last_stage.max(stage_time);
    }
}

fn is_mutation(verb: &str) -> bool {
    matches!(
        verb,
        "create" | "update" | "patch" | "delete" | "deletecollection"
    )
}

/// Whether the object's name is a segment of the URL path: not for creates (the name is in the
/// body) nor for collections, unless a subresource (`pods/NAME/binding`) is addressed.
fn name_in_path(verb: &str, name: &str, subresource: &str) -> bool {
    !name.is_empty()
        && (!subresource.is_empty()
            || !matches!(verb, "create" | "list" | "watch" | "deletecollection"))
}

fn write_uri(line: &mut String, request: &Request<'_>, resource_version: u64) {
    match request.target {
        Target::Path(path) => line.push_str(path),
        Target::Object {
            api,
            namespace,
            name,
            subresource,
        } => {
            if api.group.is_empty() {
                line.push_str("/api/");
            } else {
                line.push_str("/apis/");
                line.push_str(api.group);
                line.push('/');
            }
            line.push_str(api.version);
            if api.namespaced && !namespace.is_empty() {
                line.push_str("/namespaces/");
                line.push_str(namespace);
            }
            line.push('/');
            line.push_str(api.resource);
            if name_in_path(request.verb, name, subresource) {
                line.push('/');
                line.push_str(name);
                if !subresource.is_empty() {
                    line.push('/');
                    line.push_str(subresource);
                }
            }
        }
    }
    match request.query {
        Query::None => {}
        Query::Raw(query) => line.push_str(query),
        Query::ReleaseHistory(release) => {
            line.push_str("?labelSelector=name%3D");
            line.push_str(release);
            line.push_str("%2Cowner%3Dhelm");
        }
        Query::List(selector) => {
            line.push('?');
            if push_selector(line, selector) {
                line.push('&');
            }
            line.push_str("limit=500&resourceVersion=0");
        }
        Query::Watch(selector, timeout) => {
            line.push_str("?allowWatchBookmarks=true&");
            if push_selector(line, selector) {
                line.push('&');
            }
            line.push_str("resourceVersion=");
            push_number(line, resource_version);
            line.push_str("&timeout=");
            push_number(line, u64::from(timeout / 60));
            line.push('m');
            push_number(line, u64::from(timeout % 60));
            line.push_str("s&timeoutSeconds=");
            push_number(line, u64::from(timeout));
            line.push_str("&watch=true");
        }
    }
}

/// Writes the selector; false when there is none.
fn push_selector(line: &mut String, selector: Selector<'_>) -> bool {
    match selector {
        Selector::None => return false,
        Selector::Name(name) => {
            line.push_str("fieldSelector=metadata.name%3D");
            line.push_str(name);
        }
        Selector::Node(node) => {
            line.push_str("fieldSelector=spec.nodeName%3D");
            line.push_str(node);
        }
        Selector::Raw(raw) => line.push_str(raw),
    }
    true
}

fn write_object_ref(
    line: &mut String,
    verb: &str,
    api: &Api,
    namespace: &str,
    name: &str,
    subresource: &str,
) {
    line.push_str("\"objectRef\":{\"resource\":\"");
    line.push_str(api.resource);
    line.push('"');
    // A namespace addressed by name is its own namespace in the API server's request info.
    let namespace = if api.resource == "namespaces" && name_in_path(verb, name, subresource) {
        name
    } else if api.namespaced {
        namespace
    } else {
        ""
    };
    if !namespace.is_empty() {
        line.push_str(",\"namespace\":\"");
        line.push_str(namespace);
        line.push('"');
    }
    if !name.is_empty() {
        line.push_str(",\"name\":\"");
        line.push_str(name);
        line.push('"');
    }
    if !api.group.is_empty() {
        line.push_str(",\"apiGroup\":\"");
        line.push_str(api.group);
        line.push('"');
    }
    line.push_str(",\"apiVersion\":\"");
    line.push_str(api.version);
    line.push('"');
    if !subresource.is_empty() {
        line.push_str(",\"subresource\":\"");
        line.push_str(subresource);
        line.push('"');
    }
    line.push_str("},");
}

fn write_status(line: &mut String, request: &Request<'_>) {
    line.push_str("\"responseStatus\":{\"metadata\":{},");
    let failure = match request.outcome {
        Outcome::Ok | Outcome::Created => None,
        Outcome::NotFound => Some(("NotFound", " not found")),
        Outcome::AlreadyExists => Some(("AlreadyExists", " already exists")),
        Outcome::Conflict => Some(("Conflict", "")),
    };
    if let (Some((reason, tail)), Target::Object { api, name, .. }) = (failure, request.target) {
        line.push_str("\"status\":\"Failure\",\"message\":\"");
        if request.outcome == Outcome::Conflict {
            line.push_str("Operation cannot be fulfilled on ");
        }
        line.push_str(api.resource);
        if !api.group.is_empty() {
            line.push('.');
            line.push_str(api.group);
        }
        line.push_str(" \\\"");
        line.push_str(name);
        line.push_str("\\\"");
        if request.outcome == Outcome::Conflict {
            line.push_str(
                ": the object has been modified; please apply your changes to the latest version and try again",
            );
        }
        line.push_str(tail);
        line.push_str("\",\"reason\":\"");
        line.push_str(reason);
        line.push_str("\",\"details\":{\"name\":\"");
        line.push_str(name);
        if !api.group.is_empty() {
            line.push_str("\",\"group\":\"");
            line.push_str(api.group);
        }
        line.push_str("\",\"kind\":\"");
        line.push_str(api.resource);
        line.push_str("\"},");
    }
    line.push_str("\"code\":");
    line.push_str(request.outcome.code());
    line.push_str("},");
}

fn push_number(line: &mut String, value: u64) {
    line.push_str(itoa::Buffer::new().format(value));
}

fn push_padded(line: &mut String, value: u64, width: u32) {
    let mut divisor = 10u64.pow(width - 1);
    while divisor > 0 {
        line.push((b'0' + ((value / divisor) % 10) as u8) as char);
        divisor /= 10;
    }
}

/// `YYYY-MM-DDTHH:MM:SS` of a second since the Unix epoch (proleptic Gregorian, UTC); the
/// simulated clock stays within the years `time` represents.
fn format_second(second: u64) -> [u8; 19] {
    let moment = i64::try_from(second)
        .ok()
        .and_then(|second| time::OffsetDateTime::from_unix_timestamp(second).ok())
        .expect("a simulated second within time's range");
    let mut text = *b"0000-00-00T00:00:00";
    let mut put = |at: usize, value: u32, width: usize| {
        let mut value = value;
        for position in (at..at + width).rev() {
            text[position] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, moment.year().max(0) as u32, 4);
    put(5, u32::from(u8::from(moment.month())), 2);
    put(8, u32::from(moment.day()), 2);
    put(11, u32::from(moment.hour()), 2);
    put(14, u32::from(moment.minute()), 2);
    put(17, u32::from(moment.second()), 2);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{NAMESPACES, PODS, SECRETS};

    fn log() -> EventLog {
        let mut log = EventLog::new(7, 1_674_843_688_129_781, SimulationLimit::Events(100));
        log.add_actor(Actor::new(
            "kubernetes-admin",
            &["system:masters", "system:authenticated"],
            "192.168.1.50",
            "helm/v3.11.0 (linux/amd64) kubernetes/$Format",
            "",
        ));
        log
    }

    fn line(request: Request<'_>) -> serde_json::Value {
        let mut log = log();
        log.emit(0, &request);
        serde_json::from_str(log.pending().trim_end()).unwrap()
    }

    #[test]
    fn seconds_format_as_rfc3339() {
        assert_eq!(&format_second(0), b"1970-01-01T00:00:00");
        assert_eq!(&format_second(1_674_843_688), b"2023-01-27T18:21:28");
        assert_eq!(&format_second(951_782_400), b"2000-02-29T00:00:00");
        assert_eq!(&format_second(4_102_444_799), b"2099-12-31T23:59:59");
    }

    #[test]
    fn a_binding_names_its_pod_in_the_path_and_the_object_ref() {
        let event = line(Request::new("create", &PODS, "ns", "web-0").sub("binding"));
        assert_eq!(
            event["requestURI"],
            "/api/v1/namespaces/ns/pods/web-0/binding"
        );
        assert_eq!(event["objectRef"]["subresource"], "binding");
        assert_eq!(event["objectRef"]["name"], "web-0");
        assert_eq!(event["responseStatus"]["code"], 201);
        assert_eq!(event["level"], "Metadata");
        assert_eq!(event["user"]["username"], "kubernetes-admin");
        assert!(event["annotations"]["authorization.k8s.io/decision"] == "allow");
    }

    #[test]
    fn a_create_posts_to_the_collection() {
        let event = line(
            Request::new("create", &SECRETS, "ns", "s").query(Query::Raw("?fieldManager=helm")),
        );
        assert_eq!(
            event["requestURI"],
            "/api/v1/namespaces/ns/secrets?fieldManager=helm"
        );
        assert_eq!(event["objectRef"]["name"], "s");
    }

    #[test]
    fn a_namespace_is_its_own_namespace_when_addressed_by_name() {
        let event = line(Request::new("delete", &NAMESPACES, "", "team"));
        assert_eq!(event["requestURI"], "/api/v1/namespaces/team");
        assert_eq!(event["objectRef"]["namespace"], "team");
        let event = line(Request::new("create", &NAMESPACES, "", "team"));
        assert!(event["objectRef"].get("namespace").is_none());
    }

    #[test]
    fn failures_carry_status_reason_and_details() {
        let event = line(Request::new("get", &SECRETS, "ns", "s").outcome(Outcome::NotFound));
        assert_eq!(event["responseStatus"]["code"], 404);
        assert_eq!(event["responseStatus"]["reason"], "NotFound");
        assert_eq!(
            event["responseStatus"]["message"],
            "secrets \"s\" not found"
        );
    }

    #[test]
    fn watches_show_their_timeout_and_resource_version() {
        let mut log = log();
        let request = Request::new("watch", &PODS, "", "")
            .query(Query::Watch(Selector::Node("worker-1"), 463));
        let watch = log.start_watch(0, &request);
        log.now += 463_000_000;
        log.end_watch(0, &request, &watch);
        let lines: Vec<serde_json::Value> = log
            .pending()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines[0]["stage"], "ResponseStarted");
        assert_eq!(lines[1]["stage"], "ResponseComplete");
        assert_eq!(lines[0]["auditID"], lines[1]["auditID"]);
        assert_eq!(
            lines[0]["requestReceivedTimestamp"],
            lines[1]["requestReceivedTimestamp"]
        );
        let uri = lines[0]["requestURI"].as_str().unwrap();
        assert!(uri.starts_with("/api/v1/pods?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3Dworker-1&resourceVersion="));
        assert!(uri.ends_with("&timeout=7m43s&timeoutSeconds=463&watch=true"));
    }

    #[test]
    fn audit_ids_are_version_4_uuids() {
        let mut log = log();
        let id = log.new_audit_id();
        let text = std::str::from_utf8(&id).unwrap();
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(
            groups.iter().map(|group| group.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'));
        assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn the_byte_limit_is_never_exceeded() {
        let mut log = EventLog::new(1, 1_674_843_688_000_000, SimulationLimit::Bytes(1_000));
        log.add_actor(Actor::new("u", &[], "1.2.3.4", "ua", ""));
        while !log.done() {
            log.emit(0, &Request::path("/readyz"));
        }
        assert!(log.bytes() <= 1_000);
        assert_eq!(log.bytes() as usize, log.pending().len());
        assert!(1_000 - log.bytes() < 400, "stopped within one event");
    }
}
