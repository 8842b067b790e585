use leptos::prelude::*;

/// A labelled number input bound to a value inside a signal: `get` reads the field, `set`
/// writes a parsed value. Text that does not parse is left in the box and not applied, so a
/// half-typed number does not fight the user.
#[component]
pub(crate) fn NumberField<T, G, S>(
    label: &'static str,
    testid: &'static str,
    get: G,
    set: S,
    #[prop(default = "any")] step: &'static str,
    #[prop(optional)] min: Option<&'static str>,
    #[prop(optional)] max: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView
where
    T: std::str::FromStr + std::fmt::Display + 'static,
    G: Fn() -> T + Send + Sync + 'static,
    S: Fn(T) + Send + Sync + 'static,
{
    view! {
        <label class="field" title=hint>
            {label}
            <input
                type="number"
                data-testid=testid
                step=step
                min=min
                max=max
                prop:value=move || get().to_string()
                on:input=move |event| {
                    if let Ok(value) = event_target_value(&event).trim().parse::<T>() {
                        set(value);
                    }
                }
            />
        </label>
    }
}
