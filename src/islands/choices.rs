//! What the user has chosen in a form whose inputs the server rendered as an island's
//! children. The island carries no copy of them (neither their markup in its wasm nor their
//! data in its props): the page is the one truth of what is ticked, before hydration and after.

use leptos::html;
use leptos::prelude::*;
use leptos::web_sys::Element;

/// What a form says now: its `scope[]` (permissions) and `account[]` (accounts) checkboxes,
/// and its `account` to pay from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ticked {
    /// Permissions ticked (a required one is always ticked), and offered.
    pub scopes: usize,
    pub scopes_offered: usize,
    /// A ticked permission shares accounts (`data-shares-accounts`).
    pub sharing: bool,
    /// The ticked accounts' masked numbers (`data-number`), in page order.
    pub accounts: Vec<String>,
    /// An account to pay from is chosen (an `account` radio button), or fixed (a hidden one).
    pub payer: bool,
}

/// What stops a consent form's Allow ([`Ticked::stop`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    NothingChosen,
    NeedsAccount,
    StrayAccounts,
}

impl Stop {
    /// The groups at fault: the permissions, or the accounts.
    pub fn groups(self) -> &'static str {
        match self {
            Stop::NothingChosen | Stop::StrayAccounts => PERMISSIONS,
            Stop::NeedsAccount => ACCOUNTS,
        }
    }
}

impl Ticked {
    /// Permissions are offered and none is ticked. A request whose scopes are all granted
    /// unsaid (implicit) offers none, and its Allow needs no choice.
    pub fn nothing_chosen(&self) -> bool {
        self.scopes == 0 && self.scopes_offered > 0
    }

    /// What stops an Allow: nothing chosen, or accounts without a permission that shares
    /// them, or the other way round.
    pub fn stops_allow(&self) -> bool {
        self.stop().is_some()
    }

    /// What stops an Allow first, if anything does.
    pub fn stop(&self) -> Option<Stop> {
        if self.nothing_chosen() {
            Some(Stop::NothingChosen)
        } else if self.needs_account() {
            Some(Stop::NeedsAccount)
        } else if self.stray_accounts() {
            Some(Stop::StrayAccounts)
        } else {
            None
        }
    }

    /// A permission that shares accounts is ticked and no account is.
    pub fn needs_account(&self) -> bool {
        self.sharing && self.accounts.is_empty()
    }

    /// Accounts are ticked and no permission that shares them is.
    pub fn stray_accounts(&self) -> bool {
        !self.sharing && !self.accounts.is_empty()
    }

    /// The chosen accounts in words: `summary` ("{n} chosen: {accounts}") filled in, or `none`.
    pub fn accounts_in_words(&self, summary: &str, none: &str) -> String {
        match self.accounts.len() {
            0 => none.to_string(),
            n => super::fill(summary, &[("n", &n.to_string()), ("accounts", &self.accounts.join(", "))]),
        }
    }

    /// The inputs under `root` as they stand. On the server, where no page exists yet,
    /// nothing.
    pub fn read(root: &Element) -> Self {
        #[cfg(feature = "hydrate")]
        {
            dom::read(root)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = root;
            Ticked::default()
        }
    }
}

/// A form's choices as the island sees them: `ticked` is read from the page once the island
/// hydrates and again on every change, click and `refresh`.
#[derive(Clone, Copy)]
pub struct Choices {
    pub ticked: ReadSignal<Ticked>,
    set_ticked: WriteSignal<Ticked>,
    form: NodeRef<html::Div>,
}

impl Choices {
    pub fn new() -> Self {
        let (ticked, set_ticked) = signal(Ticked::default());
        let choices = Choices { ticked, set_ticked, form: NodeRef::new() };
        // Once hydrated: what the page holds, including anything ticked before the wasm arrived.
        Effect::new(move |_| {
            if choices.form.get().is_some() {
                choices.refresh();
            }
        });
        choices
    }

    /// Read the page again.
    pub fn refresh(self) {
        if let Some(form) = self.form.get_untracked() {
            self.set_ticked.set(Ticked::read(&form));
        }
    }
}

/// The id of the form's notice ([`super::FormNotice`]), which describes a group marked invalid.
pub const NOTICE_ID: &str = "form-notice";

/// The groups of a form that stop its Allow, as a selector of its `fieldset`s.
const PERMISSIONS: &str = "fieldset.scopes:not(.accounts)";
pub const ACCOUNTS: &str = "fieldset.accounts";
pub const PAYERS: &str = "fieldset.payers";

/// The body of a decision form: `children` (the server's inputs, and the island's summaries and
/// buttons), marked busy while a decision is on its way, its choices watched. The groups
/// `invalid` names (what stops an Allow, once said) are marked `aria-invalid` and described by
/// the notice that says why, as long as it does.
#[component]
pub fn ChoicesForm(
    choices: Choices,
    busy: Signal<bool>,
    invalid: Signal<Option<&'static str>>,
    children: Children,
) -> impl IntoView {
    Effect::new(move |_| {
        let groups = invalid.get();
        if let Some(form) = choices.form.get() {
            mark_invalid(&form, groups);
        }
    });
    view! {
        <div
            class="guarded-form"
            class:pending=busy
            aria-busy=move || if busy.get() { "true" } else { "false" }
            node_ref=choices.form
            on:change=move |_| choices.refresh()
            on:click=move |ev| {
                if bulk_select(&ev) {
                    choices.refresh();
                }
            }
        >
            {children()}
        </div>
    }
}

/// Marks the `fieldset`s under `root` that `selector` matches invalid, described by the form's
/// notice, and the others not.
fn mark_invalid(root: &Element, selector: Option<&str>) {
    #[cfg(feature = "hydrate")]
    dom::mark_invalid(root, selector);
    #[cfg(not(feature = "hydrate"))]
    let _ = (root, selector);
}

/// Select all / none: a click on a `[data-bulk="all"]` or `[data-bulk="none"]` button ticks or
/// unticks every checkbox of its fieldset that the user may change. True if it was one.
fn bulk_select(ev: &leptos::ev::MouseEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let button = ev
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("[data-bulk]").ok().flatten());
        let Some(button) = button else { return false };
        let Some(fieldset) = button.closest("fieldset").ok().flatten() else { return false };
        let on = button.get_attribute("data-bulk").as_deref() == Some("all");
        dom::inputs(&fieldset)
            .filter(|input| input.type_() == "checkbox" && !input.disabled())
            .for_each(|input| input.set_checked(on));
        true
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

#[cfg(feature = "hydrate")]
mod dom {
    use super::Ticked;
    use leptos::web_sys::{Element, HtmlInputElement};
    use wasm_bindgen::JsCast;

    pub fn read(root: &Element) -> Ticked {
        let mut ticked = Ticked::default();
        for input in inputs(root) {
            match (input.type_().as_str(), input.name().as_str()) {
                ("checkbox", "scope[]") => {
                    ticked.scopes_offered += 1;
                    if input.checked() {
                        ticked.scopes += 1;
                        ticked.sharing |= input.has_attribute("data-shares-accounts");
                    }
                }
                ("checkbox", "account[]") if input.checked() => {
                    ticked.accounts.push(input.get_attribute("data-number").unwrap_or_default());
                }
                ("radio", "account") => ticked.payer |= input.checked(),
                ("hidden", "account") => ticked.payer = true,
                _ => {}
            }
        }
        ticked
    }

    pub fn mark_invalid(root: &Element, selector: Option<&str>) {
        let groups = root.get_elements_by_tag_name("fieldset");
        for group in (0..groups.length()).filter_map(|i| groups.item(i)) {
            let on = selector.is_some_and(|s| group.matches(s).unwrap_or(false));
            let described = group.get_attribute("aria-describedby").unwrap_or_default();
            let mut ids: Vec<&str> = described.split_whitespace().filter(|id| *id != super::NOTICE_ID).collect();
            if on {
                ids.push(super::NOTICE_ID);
                let _ = group.set_attribute("aria-invalid", "true");
            } else {
                let _ = group.remove_attribute("aria-invalid");
            }
            let _ = match ids.is_empty() {
                true => group.remove_attribute("aria-describedby"),
                false => group.set_attribute("aria-describedby", &ids.join(" ")),
            };
        }
    }

    /// The `<input>`s under `root`, in page order.
    pub fn inputs(root: &Element) -> impl Iterator<Item = HtmlInputElement> {
        let inputs = root.get_elements_by_tag_name("input");
        (0..inputs.length()).filter_map(move |i| inputs.item(i)).filter_map(|el| el.dyn_into::<HtmlInputElement>().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::Ticked;

    #[test]
    fn allow_needs_a_choice_only_where_there_is_one_to_make() {
        let offered = Ticked { scopes_offered: 2, ..Ticked::default() };
        assert!(offered.nothing_chosen() && offered.stops_allow());
        let chosen = Ticked { scopes: 1, ..offered.clone() };
        assert!(!chosen.stops_allow());
        // Every scope implicit: nothing to tick, and Allow grants them.
        assert!(!Ticked::default().nothing_chosen() && !Ticked::default().stops_allow());
        let no_account = Ticked { sharing: true, ..chosen.clone() };
        assert!(no_account.stops_allow());
        let stray = Ticked { accounts: vec!["…1234".into()], ..chosen };
        assert!(stray.stops_allow());
    }
}
