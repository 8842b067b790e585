//! The engine's modules import downwards only: no module reaches, through its imports, back to
//! itself.
//!
//! The engine is built as layers (ARCHITECTURE.md: ingest, prepare, dataset, models, evaluate,
//! pipeline, ...), and a layer may use the ones beneath it, never the ones above. An import
//! cycle breaks that promise: the modules in it can no longer be understood, tested or moved one
//! without the other. This test reads the sources with `syn` (nothing is compiled) and checks
//! that the import graph of the library's modules has no cycle; when it has one, it names the
//! modules and, for every import between them, the file and line where it is first seen.
//!
//! - A **node** is a module path: `crate`, `crate::models`, `crate::models::lstm::net`, ... The
//!   module tree is walked as rustc walks it, from `lib.rs`: `mod x;` in `lib.rs` or `a/mod.rs`
//!   is `x.rs` or `x/mod.rs` beside it, and in `a.rs` it is `a/x.rs` or `a/x/mod.rs`;
//!   `#[path = "..."]` is honoured; an inline `mod x { ... }` is a module of its own.
//! - An **edge** `m -> n` says that module `m` names something of module `n`: a `use` tree (with
//!   its groups, globs and renames) or any path in a type, expression, pattern, trait bound or
//!   impl. Paths starting with `crate`, `super` or `self` are resolved, and so are relative ones
//!   whose first segment is a child module, a module brought in by `use`, or a child module of a
//!   module glob-imported by `use`. The edge goes to the longest prefix of the resolved path that
//!   is a module; re-exports are not followed, so `crate::models::Factors` is an edge to
//!   `crate::models` even where `models` only re-exports it. `mod x;` itself is no edge, but any
//!   use of the child's items is, `pub use child::Item` included. A module's use of itself is no
//!   edge.
//!
//! Not seen:
//! - anything under `#[cfg(test)]` (or a `cfg` that requires `test`): modules, items, associated
//!   items, fields, variants, match arms and `let` statements. The graph is the library's, and
//!   test code may reach anywhere;
//! - paths inside macro invocations (`format!`, `matches!`, `vec!`, ...) and attributes
//!   (`#[serde(with = "...")]`, doc links), which are token streams or strings to `syn`;
//! - modules declared inside function bodies;
//! - paths that start with `::` or with an external crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use syn::ext::IdentExt as _;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ExprLit, Ident, Item, ItemMod, Lit, Meta, Token, UseTree};

/// The engine's sources.
const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// A module's absolute path, one segment each: `["crate", "models", "lstm"]`.
type ModulePath = Vec<String>;

/// Where an edge is first seen: a file relative to the source root, and a line in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Evidence {
    file: String,
    line: usize,
}

/// The import graph of a crate's library modules.
struct ModuleGraph {
    modules: BTreeSet<ModulePath>,
    /// Each edge with the first place it is seen.
    edges: BTreeMap<(ModulePath, ModulePath), Evidence>,
}

/// One strongly connected component of more than one module.
struct Cycle {
    /// Sorted.
    modules: Vec<String>,
    /// Every edge between the cycle's modules, as `from -> to (file:line)`, sorted.
    edges: Vec<String>,
}

#[test]
fn engine_modules_import_no_cycle() {
    let graph = module_graph(Path::new(SRC));
    assert!(
        graph.modules.len() > 1,
        "the walk from {SRC}/lib.rs found no module besides the root"
    );
    let cycles = cycles(&graph);
    assert!(cycles.is_empty(), "{}", describe(&cycles));
}

#[test]
fn a_cycle_is_found() {
    let tree = TempTree::new(
        "a-cycle",
        &[
            ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
            ("a.rs", "use crate::b::X;\n\npub struct Y(pub X);\n"),
            (
                "b.rs",
                "pub struct X;\n\npub fn y() -> super::a::Y {\n    super::a::Y(X)\n}\n",
            ),
            (
                "c.rs",
                "pub fn y() -> crate::a::Y {\n    crate::a::Y(crate::b::X)\n}\n",
            ),
        ],
    );
    let found = cycles(&module_graph(&tree.root));
    assert_eq!(found.len(), 1, "{}", describe(&found));
    assert_eq!(found[0].modules, ["crate::a", "crate::b"]);
    assert_eq!(
        found[0].edges,
        [
            "crate::a -> crate::b (a.rs:1)",
            "crate::b -> crate::a (b.rs:3)"
        ]
    );
}

#[test]
fn child_parent_reexport_is_a_cycle() {
    let parent = "mod leaf;\n\npub use leaf::T;\n\npub struct U;\n";
    let tree = TempTree::new(
        "reexport-cycle",
        &[
            ("lib.rs", "pub mod m;\n"),
            ("m/mod.rs", parent),
            ("m/leaf.rs", "pub struct T(pub crate::m::U);\n"),
        ],
    );
    let found = cycles(&module_graph(&tree.root));
    assert_eq!(found.len(), 1, "{}", describe(&found));
    assert_eq!(found[0].modules, ["crate::m", "crate::m::leaf"]);
    assert_eq!(
        found[0].edges,
        [
            "crate::m -> crate::m::leaf (m/mod.rs:3)",
            "crate::m::leaf -> crate::m (m/leaf.rs:1)"
        ]
    );

    let tree = TempTree::new(
        "reexport-clean",
        &[
            ("lib.rs", "pub mod m;\n"),
            ("m/mod.rs", parent),
            ("m/leaf.rs", "pub struct T;\n"),
        ],
    );
    let found = cycles(&module_graph(&tree.root));
    assert!(found.is_empty(), "{}", describe(&found));
}

#[test]
fn edges_follow_the_module_tree() {
    let tree = TempTree::new(
        "rules",
        &[
            (
                "lib.rs",
                "pub mod flat;\npub mod nested;\n#[path = \"elsewhere/renamed.rs\"]\npub mod renamed;\n",
            ),
            (
                "flat.rs",
                "mod inner;\n\
                 pub(crate) use inner::I;\n\
                 pub mod inline {\n\
                 \x20   pub fn f() -> super::inner::I {\n\
                 \x20       super::inner::I\n\
                 \x20   }\n\
                 }\n\
                 #[cfg(test)]\n\
                 mod tests {\n\
                 \x20   use crate::nested::N;\n\
                 }\n\
                 #[cfg(all(test, unix))]\n\
                 fn helper() -> crate::renamed::R {\n\
                 \x20   crate::renamed::R\n\
                 }\n\
                 pub fn g() -> String {\n\
                 \x20   format!(\"{}\", crate::nested::deep::D)\n\
                 }\n",
            ),
            ("flat/inner.rs", "pub struct I;\n"),
            (
                "nested/mod.rs",
                "mod deep;\n\
                 use crate::flat;\n\
                 pub struct N(pub flat::I);\n\
                 pub(super) fn g() -> deep::D {\n\
                 \x20   deep::D\n\
                 }\n",
            ),
            (
                "nested/deep.rs",
                "pub struct D;\npub fn r() -> crate::renamed::R {\n    crate::renamed::R\n}\n",
            ),
            (
                "elsewhere/renamed.rs",
                "mod sub;\npub struct R;\npub fn s() -> sub::S {\n    sub::S\n}\n",
            ),
            ("elsewhere/sub.rs", "pub struct S;\n"),
        ],
    );
    let graph = module_graph(&tree.root);
    let modules: Vec<String> = graph.modules.iter().map(|path| path.join("::")).collect();
    assert_eq!(
        modules,
        [
            "crate",
            "crate::flat",
            "crate::flat::inline",
            "crate::flat::inner",
            "crate::nested",
            "crate::nested::deep",
            "crate::renamed",
            "crate::renamed::sub"
        ]
    );
    let edges: Vec<String> = graph
        .edges
        .iter()
        .map(|((from, to), evidence)| edge_line(from, to, evidence))
        .collect();
    assert_eq!(
        edges,
        [
            "crate::flat -> crate::flat::inner (flat.rs:2)",
            "crate::flat::inline -> crate::flat::inner (flat.rs:4)",
            "crate::nested -> crate::flat (nested/mod.rs:2)",
            "crate::nested -> crate::nested::deep (nested/mod.rs:4)",
            "crate::nested::deep -> crate::renamed (nested/deep.rs:2)",
            "crate::renamed -> crate::renamed::sub (elsewhere/renamed.rs:3)"
        ]
    );
    assert!(cycles(&graph).is_empty());
}

/// The import graph of the crate whose sources are under `src` (`src/lib.rs` is the root).
fn module_graph(src: &Path) -> ModuleGraph {
    let mut modules = Vec::new();
    load_file(
        src,
        Path::new("lib.rs"),
        vec!["crate".to_owned()],
        true,
        &mut modules,
    );
    let known: BTreeSet<ModulePath> = modules.iter().map(|module| module.path.clone()).collect();
    let mut edges = BTreeMap::new();
    for module in &modules {
        let mut collector = Collector::default();
        for item in &module.items {
            collector.visit_item(item);
        }
        let scope = Scope::new(&module.path, &known, &collector.uses);
        let uses = collector
            .uses
            .iter()
            .map(|leaf| (&leaf.segments, leaf.line));
        let paths = collector
            .paths
            .iter()
            .map(|reference| (&reference.segments, reference.line));
        for (segments, line) in uses.chain(paths) {
            let Some(target) = scope.absolute(segments).and_then(|path| scope.owner(&path)) else {
                continue;
            };
            if target == module.path {
                continue;
            }
            let evidence = Evidence {
                file: module.file.clone(),
                line,
            };
            edges
                .entry((module.path.clone(), target))
                .and_modify(|first: &mut Evidence| *first = first.clone().min(evidence.clone()))
                .or_insert(evidence);
        }
    }
    ModuleGraph {
        modules: known,
        edges,
    }
}

/// The strongly connected components of more than one module, sorted.
fn cycles(graph: &ModuleGraph) -> Vec<Cycle> {
    let mut digraph = DiGraph::<&ModulePath, ()>::new();
    let nodes: BTreeMap<&ModulePath, NodeIndex> = graph
        .modules
        .iter()
        .map(|module| (module, digraph.add_node(module)))
        .collect();
    for (from, to) in graph.edges.keys() {
        digraph.add_edge(nodes[from], nodes[to], ());
    }
    let mut cycles: Vec<Cycle> = tarjan_scc(&digraph)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| {
            let members: BTreeSet<&ModulePath> =
                component.iter().map(|&node| digraph[node]).collect();
            let edges = graph
                .edges
                .iter()
                .filter(|((from, to), _)| members.contains(from) && members.contains(to))
                .map(|((from, to), evidence)| edge_line(from, to, evidence))
                .collect();
            Cycle {
                modules: members.iter().map(|module| module.join("::")).collect(),
                edges,
            }
        })
        .collect();
    cycles.sort_by(|a, b| a.modules.cmp(&b.modules));
    cycles
}

fn edge_line(from: &[String], to: &[String], evidence: &Evidence) -> String {
    format!(
        "{} -> {} ({}:{})",
        from.join("::"),
        to.join("::"),
        evidence.file,
        evidence.line
    )
}

/// The failure message: every cycle with the edges inside it.
fn describe(cycles: &[Cycle]) -> String {
    let mut out = format!(
        "{} import cycle(s) among the modules; layers import downwards only, so each cycle below \
         must lose at least one of its edges (`from -> to (where it is first seen)`):\n",
        cycles.len()
    );
    for (number, cycle) in cycles.iter().enumerate() {
        writeln!(out, "cycle {}: {}", number + 1, cycle.modules.join(", "))
            .expect("a String takes any text");
        for edge in &cycle.edges {
            writeln!(out, "  {edge}").expect("a String takes any text");
        }
    }
    out
}

/// A module and its own items (its child modules taken out).
struct Module {
    path: ModulePath,
    /// The file it is written in, relative to the source root, with `/` between folders.
    file: String,
    items: Vec<Item>,
}

/// Where the `mod` declarations of a module find their files, relative to the source root.
struct ModDirs {
    /// For `mod x;`: `x.rs` or `x/mod.rs` in this folder.
    children: PathBuf,
    /// For `#[path = "..."]`.
    path_attribute: PathBuf,
}

/// Reads the module `path` from `file` (relative to `src`), then its children. `mod_rs` says
/// whether the file owns its folder (`lib.rs`, `mod.rs` and files named by `#[path]`) or, like
/// `a.rs`, keeps its children in a folder of its own name.
fn load_file(src: &Path, file: &Path, path: ModulePath, mod_rs: bool, out: &mut Vec<Module>) {
    let text = fs::read_to_string(src.join(file))
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", src.join(file).display()));
    let parsed = syn::parse_file(&text)
        .unwrap_or_else(|error| panic!("cannot parse {}: {error}", src.join(file).display()));
    if test_only(&parsed.attrs) {
        return;
    }
    let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let children = if mod_rs {
        folder.clone()
    } else {
        folder.join(file.file_stem().expect("a module file has a name"))
    };
    let dirs = ModDirs {
        children,
        path_attribute: folder,
    };
    let file = file
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    add_module(src, &file, path, parsed.items, &dirs, out);
}

/// Adds the module `path` with `items`, written in `file`, and its child modules.
fn add_module(
    src: &Path,
    file: &str,
    path: ModulePath,
    items: Vec<Item>,
    dirs: &ModDirs,
    out: &mut Vec<Module>,
) {
    let mut own = Vec::new();
    for item in items {
        match item {
            Item::Mod(child) => {
                if !test_only(&child.attrs) {
                    add_child(src, file, &path, child, dirs, out);
                }
            }
            item => own.push(item),
        }
    }
    out.push(Module {
        path,
        file: file.to_owned(),
        items: own,
    });
}

/// Adds the module declared by `child` in the module `parent`, inline or from its file.
fn add_child(
    src: &Path,
    file: &str,
    parent: &[String],
    child: ItemMod,
    dirs: &ModDirs,
    out: &mut Vec<Module>,
) {
    let name = name(&child.ident);
    let mut path = parent.to_vec();
    path.push(name.clone());
    let path_attribute = path_attribute(&child.attrs);
    match child.content {
        Some((_, items)) => {
            let folder = match path_attribute {
                Some(folder) => dirs.path_attribute.join(folder),
                None => dirs.children.join(&name),
            };
            let dirs = ModDirs {
                children: folder.clone(),
                path_attribute: folder,
            };
            add_module(src, file, path, items, &dirs, out);
        }
        None => {
            let (file, mod_rs) = match path_attribute {
                // rustc treats a file named by `#[path]` as a `mod.rs`.
                Some(file) => (dirs.path_attribute.join(file), true),
                None => {
                    let flat = dirs.children.join(format!("{name}.rs"));
                    if src.join(&flat).is_file() {
                        (flat, false)
                    } else {
                        (dirs.children.join(&name).join("mod.rs"), true)
                    }
                }
            };
            load_file(src, &file, path, mod_rs, out);
        }
    }
}

/// The value of a `#[path = "..."]` attribute.
fn path_attribute(attrs: &[Attribute]) -> Option<String> {
    let attr = attrs.iter().find(|attr| attr.path().is_ident("path"))?;
    match &attr.meta {
        Meta::NameValue(pair) => match &pair.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(value),
                ..
            }) => Some(value.value()),
            _ => panic!("#[path] takes a string"),
        },
        _ => panic!("#[path] takes a string: #[path = \"...\"]"),
    }
}

/// Whether the attributes hold a `cfg` that is only true under `test`.
fn test_only(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<Meta>()
                .is_ok_and(|predicate| requires_test(&predicate))
    })
}

/// Whether a `cfg` predicate can hold only when `test` does.
fn requires_test(predicate: &Meta) -> bool {
    match predicate {
        Meta::Path(path) => path.is_ident("test"),
        Meta::List(list) => {
            let Ok(args) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            else {
                return false;
            };
            if list.path.is_ident("all") {
                args.iter().any(requires_test)
            } else if list.path.is_ident("any") {
                !args.is_empty() && args.iter().all(requires_test)
            } else {
                false
            }
        }
        Meta::NameValue(_) => false,
    }
}

/// An identifier as a path segment (`r#try` is `try`).
fn name(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// What a `use` leaf brings into scope.
enum Binding {
    /// `use a::b;` or `use a::b as c;`: one name.
    Name(String),
    /// `use a::*;`
    Glob,
}

/// One leaf of a `use` tree: the path it names, from the tree's start.
struct UseLeaf {
    segments: Vec<String>,
    binding: Binding,
    line: usize,
}

/// A path of two segments or more outside `use`.
struct Reference {
    segments: Vec<String>,
    line: usize,
}

/// Gathers the `use` leaves and paths of one module's items, skipping child modules and
/// whatever is under `#[cfg(test)]`.
#[derive(Default)]
struct Collector {
    uses: Vec<UseLeaf>,
    paths: Vec<Reference>,
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item(&mut self, item: &'ast Item) {
        if !test_only(item_attrs(item)) {
            visit::visit_item(self, item);
        }
    }

    fn visit_item_mod(&mut self, _: &'ast ItemMod) {
        // A module of its own (or one inside a function body, which is not seen).
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if item.leading_colon.is_none() {
            use_leaves(&item.tree, &mut Vec::new(), &mut self.uses);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // One segment is a local name, a type or `self` as a value: never another module's.
        if path.leading_colon.is_none() && path.segments.len() > 1 {
            self.paths.push(Reference {
                segments: path.segments.iter().map(|part| name(&part.ident)).collect(),
                line: path.segments[0].ident.span().start().line,
            });
        }
        visit::visit_path(self, path);
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(crate)`, `pub(super)`: who may see, not what is used.
    }

    fn visit_attribute(&mut self, _: &'ast Attribute) {
        // `#[derive(...)]`, `#[cfg(...)]`, `#[doc = ...]`: not imports.
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[Attribute] = match item {
            syn::ImplItem::Const(item) => &item.attrs,
            syn::ImplItem::Fn(item) => &item.attrs,
            syn::ImplItem::Type(item) => &item.attrs,
            syn::ImplItem::Macro(item) => &item.attrs,
            _ => &[],
        };
        if !test_only(attrs) {
            visit::visit_impl_item(self, item);
        }
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        let attrs: &[Attribute] = match item {
            syn::TraitItem::Const(item) => &item.attrs,
            syn::TraitItem::Fn(item) => &item.attrs,
            syn::TraitItem::Type(item) => &item.attrs,
            syn::TraitItem::Macro(item) => &item.attrs,
            _ => &[],
        };
        if !test_only(attrs) {
            visit::visit_trait_item(self, item);
        }
    }

    fn visit_foreign_item(&mut self, item: &'ast syn::ForeignItem) {
        let attrs: &[Attribute] = match item {
            syn::ForeignItem::Fn(item) => &item.attrs,
            syn::ForeignItem::Static(item) => &item.attrs,
            syn::ForeignItem::Type(item) => &item.attrs,
            syn::ForeignItem::Macro(item) => &item.attrs,
            _ => &[],
        };
        if !test_only(attrs) {
            visit::visit_foreign_item(self, item);
        }
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        if !test_only(&field.attrs) {
            visit::visit_field(self, field);
        }
    }

    fn visit_variant(&mut self, variant: &'ast syn::Variant) {
        if !test_only(&variant.attrs) {
            visit::visit_variant(self, variant);
        }
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        if !test_only(&arm.attrs) {
            visit::visit_arm(self, arm);
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if !test_only(&local.attrs) {
            visit::visit_local(self, local);
        }
    }

    fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
        if !test_only(&field.attrs) {
            visit::visit_field_value(self, field);
        }
    }
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(item) => &item.attrs,
        Item::Enum(item) => &item.attrs,
        Item::ExternCrate(item) => &item.attrs,
        Item::Fn(item) => &item.attrs,
        Item::ForeignMod(item) => &item.attrs,
        Item::Impl(item) => &item.attrs,
        Item::Macro(item) => &item.attrs,
        Item::Mod(item) => &item.attrs,
        Item::Static(item) => &item.attrs,
        Item::Struct(item) => &item.attrs,
        Item::Trait(item) => &item.attrs,
        Item::TraitAlias(item) => &item.attrs,
        Item::Type(item) => &item.attrs,
        Item::Union(item) => &item.attrs,
        Item::Use(item) => &item.attrs,
        _ => &[],
    }
}

/// The leaves of a `use` tree under `prefix`.
fn use_leaves(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<UseLeaf>) {
    match tree {
        UseTree::Path(path) => {
            prefix.push(name(&path.ident));
            use_leaves(&path.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Name(leaf) => out.push(use_leaf(prefix, &leaf.ident, &leaf.ident)),
        UseTree::Rename(leaf) => out.push(use_leaf(prefix, &leaf.ident, &leaf.rename)),
        UseTree::Glob(glob) => out.push(UseLeaf {
            segments: prefix.clone(),
            binding: Binding::Glob,
            line: glob.span().start().line,
        }),
        UseTree::Group(group) => {
            for tree in &group.items {
                use_leaves(tree, prefix, out);
            }
        }
    }
}

/// `prefix::ident as bound` (`self` names the prefix itself).
fn use_leaf(prefix: &[String], ident: &Ident, bound: &Ident) -> UseLeaf {
    let mut segments = prefix.to_vec();
    if ident != "self" {
        segments.push(name(ident));
    }
    let binding = if bound == "self" {
        segments.last().cloned().unwrap_or_default()
    } else {
        name(bound)
    };
    UseLeaf {
        segments,
        binding: Binding::Name(binding),
        line: ident.span().start().line,
    }
}

/// The names one module sees, to resolve its paths.
struct Scope<'a> {
    module: &'a [String],
    known: &'a BTreeSet<ModulePath>,
    /// Modules brought in by `use` under a name.
    aliases: BTreeMap<String, ModulePath>,
    /// Modules whose items are brought in by `use ...::*`.
    globs: Vec<ModulePath>,
}

impl<'a> Scope<'a> {
    fn new(module: &'a [String], known: &'a BTreeSet<ModulePath>, uses: &[UseLeaf]) -> Self {
        let mut scope = Scope {
            module,
            known,
            aliases: BTreeMap::new(),
            globs: Vec::new(),
        };
        // A `use` may start from another `use`'s name: repeat until nothing changes.
        for _ in 0..=uses.len() {
            let mut aliases = BTreeMap::new();
            let mut globs = Vec::new();
            for leaf in uses {
                let Some(target) = scope.absolute(&leaf.segments) else {
                    continue;
                };
                if !known.contains(&target) {
                    continue;
                }
                match &leaf.binding {
                    Binding::Name(name) => {
                        aliases.insert(name.clone(), target);
                    }
                    Binding::Glob => globs.push(target),
                }
            }
            if aliases == scope.aliases && globs == scope.globs {
                break;
            }
            scope.aliases = aliases;
            scope.globs = globs;
        }
        scope
    }

    /// The absolute path `segments` names here, or `None` when it is not the crate's (an
    /// external crate, a type's associated item, a generic parameter, ...).
    fn absolute(&self, segments: &[String]) -> Option<ModulePath> {
        let first = segments.first()?;
        let child_of = |parent: &[String]| {
            let mut path = parent.to_vec();
            path.push(first.clone());
            self.known.contains(&path)
        };
        let (mut path, mut rest) = if first == "crate" {
            (vec![first.clone()], &segments[1..])
        } else if first == "self" {
            (self.module.to_vec(), &segments[1..])
        } else if first == "super" || child_of(self.module) {
            (self.module.to_vec(), segments)
        } else if let Some(target) = self.aliases.get(first) {
            (target.clone(), &segments[1..])
        } else {
            let glob = self.globs.iter().find(|glob| child_of(glob))?;
            (glob.clone(), segments)
        };
        while let Some((head, tail)) = rest.split_first() {
            if head != "super" {
                break;
            }
            path.pop();
            if path.is_empty() {
                return None;
            }
            rest = tail;
        }
        path.extend(rest.iter().cloned());
        Some(path)
    }

    /// The module that owns `path`: its longest prefix that is a module.
    fn owner(&self, path: &[String]) -> Option<ModulePath> {
        (1..=path.len())
            .rev()
            .map(|length| &path[..length])
            .find(|prefix| self.known.contains(*prefix))
            .map(<[String]>::to_vec)
    }
}

/// A crate's sources written under the temporary folder, removed when dropped.
struct TempTree {
    /// The `src` folder.
    root: PathBuf,
}

impl TempTree {
    fn new(name: &str, files: &[(&str, &str)]) -> Self {
        let root = std::env::temp_dir().join(format!(
            "perfspec-module-graph-{}-{name}",
            std::process::id()
        ));
        // Left over from an earlier run with the same process id, if any.
        let _ = fs::remove_dir_all(&root);
        for (file, text) in files {
            let path = root.join(file);
            let folder = path.parent().expect("a file has a folder");
            fs::create_dir_all(folder)
                .unwrap_or_else(|error| panic!("cannot create {}: {error}", folder.display()));
            fs::write(&path, text)
                .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
        }
        TempTree { root }
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}
