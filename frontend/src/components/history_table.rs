//! One page of a person's prediction history as a table (a card per row on phones), and a
//! passenger in one line.

use super::ListTable;
use crate::chart::{self, percent};
use crate::form::calculator_link;
use leptos::prelude::*;
use leptos_router::components::A;
use lifeboat_api_types::{HistoryEntry, Passenger, words};

/// One page of entries; each row opens its passenger in the calculator or deletes it.
#[component]
pub fn HistoryTable(items: Vec<HistoryEntry>, on_delete: Callback<i64>) -> impl IntoView {
    let row = move |entry: HistoryEntry| {
        let when = entry.made_at.format("%Y-%m-%d %H:%M:%S").to_string();
        let passenger = passenger_summary(&entry.passenger);
        let link = calculator_link(&entry.passenger, Some(entry.model_id));
        let id = entry.id;
        view! {
            <tr data-testid="history-row">
                <th scope="row"><time datetime=entry.made_at.to_rfc3339()>{when.clone()}</time></th>
                <td data-label="Passenger" class="passenger">{passenger.clone()}</td>
                <td data-label="Model">{entry.model_name.clone()} <span class="muted small">{format!(" · {}", entry.algorithm.label())}</span></td>
                <td class="num" data-label="Probability">{percent(entry.prob)}</td>
                <td data-label="Verdict">
                    <span class="badge" class:on=entry.survived>{chart::verdict(entry.survived)}</span>
                </td>
                <td class="actions" data-label="Actions">
                    <A href=link attr:class="button-link"
                        attr:aria-label=format!("Open in calculator: {passenger}, {when}")>
                        "Open in calculator"
                    </A>
                    <button type="button" class="danger-outline"
                        aria-label=format!("Delete the prediction of {when}")
                        on:click=move |_| on_delete.run(id)>
                        "Delete"
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        <ListTable caption="Your predictions, newest first" class="history"
            head=&["When (UTC)", "Passenger", "Model", "Probability", "Verdict", "Actions"]>
            {items.into_iter().map(row).collect_view()}
        </ListTable>
    }
}

/// A passenger in one line: `3rd class · male · age 22 · 1 sibling/spouse · 0 parents/children
/// · £7.25 · Southampton`, unknowns said so.
fn passenger_summary(p: &Passenger) -> String {
    let class = words::class_name(p.pclass);
    let sex = p.sex.as_str();
    let age = p.age.map_or_else(
        || "age unknown".to_owned(),
        |a| format!("age {}", chart::number(a)),
    );
    let fare = p.fare.map_or_else(
        || "fare unknown".to_owned(),
        |f| format!("£{}", chart::number(f)),
    );
    let port = p.embarked.map_or_else(
        || "port unknown".to_owned(),
        |e| words::port_name(e).to_owned(),
    );
    format!(
        "{class} · {sex} · {age} · {} sibling/spouse · {} parent/child · {fare} · {port}",
        p.sibsp, p.parch
    )
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_passenger_reads_in_one_line_with_unknowns_named() {
        let passenger = Passenger::BRAUND;
        assert_eq!(
            passenger_summary(&passenger),
            "3rd class · male · age 22 · 1 sibling/spouse · 0 parent/child · £7.25 · Southampton"
        );
        let unknown = Passenger {
            age: None,
            fare: None,
            embarked: None,
            ..passenger
        };
        assert!(passenger_summary(&unknown).contains("age unknown · 1 sibling/spouse"));
        assert!(passenger_summary(&unknown).ends_with("fare unknown · port unknown"));
    }
}
