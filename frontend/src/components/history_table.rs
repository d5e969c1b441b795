//! One page of a person's prediction history as a table (a card per row on phones), and a
//! passenger in one line.

use crate::chart::{self, percent};
use crate::explore::{Grouping, group_name};
use crate::form::{calculator_link, port_code};
use leptos::prelude::*;
use leptos_router::components::A;
use lifeboat_api_types::{HistoryEntry, Passenger, Sex};

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
        <div class="table-scroll">
            <table class="stack history">
                <caption class="visually-hidden">"Your predictions, newest first"</caption>
                <thead><tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Passenger"</th>
                    <th scope="col">"Model"</th>
                    <th scope="col">"Probability"</th>
                    <th scope="col">"Verdict"</th>
                    <th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>{items.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
}

/// A passenger in one line: `3rd class · male · age 22 · 1 sibling/spouse · 0 parents/children
/// · £7.25 · Southampton`, unknowns said so.
fn passenger_summary(p: &Passenger) -> String {
    let class = group_name(Grouping::Class, &p.pclass.to_string());
    let sex = match p.sex {
        Sex::Male => "male",
        Sex::Female => "female",
    };
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
        |e| group_name(Grouping::Port, port_code(e)),
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
    use lifeboat_api_types::Embarked;

    #[test]
    fn a_passenger_reads_in_one_line_with_unknowns_named() {
        let passenger = Passenger {
            pclass: 3,
            sex: Sex::Male,
            age: Some(22.0),
            sibsp: 1,
            parch: 0,
            fare: Some(7.25),
            embarked: Some(Embarked::S),
        };
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
