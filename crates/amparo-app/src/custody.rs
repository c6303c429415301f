//! A person's custody timeline: periods in order, with the stretches nobody documented shown as
//! unknown, so that gaps in the record are visible instead of silently bridged.

use amparo_model::records::CustodyPeriod;
use amparo_model::{CustodyPeriodId, FuzzyDate, PersonId, PlaceId, RecordKind};
use serde::Serialize;

use crate::{Actor, App, AppError, Versioned};

/// One stretch of a timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineSegment {
    /// The custody status, or `None` for a stretch the record says nothing about.
    pub status: Option<String>,
    /// When the stretch begins (`None`: unknown).
    pub from: Option<FuzzyDate>,
    /// When it ends (`None`: it continues, or the end is unknown).
    pub to: Option<FuzzyDate>,
    /// The custody period behind it; `None` for an undocumented gap.
    pub period_id: Option<CustodyPeriodId>,
    /// The facility or place.
    pub place_id: Option<PlaceId>,
    /// Whether this period starts before the previous one ended (conflicting sources).
    pub overlaps_previous: bool,
}

/// Orders periods by start and inserts an unknown segment wherever one period ends more than a
/// day before the next begins. An open-ended period followed by another is taken to last until
/// the next one starts.
pub fn build_timeline(mut periods: Vec<(CustodyPeriodId, CustodyPeriod)>) -> Vec<TimelineSegment> {
    periods.sort_by_key(|(id, period)| {
        (
            period.period.start.map(|start| start.earliest()),
            // An open end lasts longest: among periods that start together it comes last.
            period
                .period
                .end
                .map_or(time::Date::MAX, |end| end.latest()),
            *id,
        )
    });
    let mut segments: Vec<TimelineSegment> = Vec::with_capacity(periods.len() * 2);
    let mut previous_end: Option<FuzzyDate> = None;
    for (index, (id, period)) in periods.iter().enumerate() {
        let start = period.period.start;
        let mut overlaps_previous = false;
        // An open-ended previous period (no end) runs into this one: no gap to show.
        if index > 0
            && let (Some(end), Some(start)) = (previous_end, start)
        {
            let end_day = end.latest();
            let start_day = start.earliest();
            if start_day > end_day.next_day().unwrap_or(end_day) {
                segments.push(TimelineSegment {
                    status: None,
                    from: Some(end),
                    to: Some(start),
                    period_id: None,
                    place_id: None,
                    overlaps_previous: false,
                });
            } else if start_day < end_day {
                overlaps_previous = true;
            }
        }
        segments.push(TimelineSegment {
            status: Some(period.status.clone()),
            from: start,
            to: period.period.end,
            period_id: Some(*id),
            place_id: period.place_id,
            overlaps_previous,
        });
        previous_end = period.period.end;
    }
    segments
}

impl App {
    /// The custody periods of a person.
    pub async fn custody_periods(
        &self,
        actor: &Actor,
        person_id: PersonId,
    ) -> Result<Vec<Versioned<CustodyPeriod>>, AppError> {
        // The person must exist and be visible to the actor.
        self.get_record(actor, RecordKind::Person, person_id.0)
            .await?;
        self.referring(actor, RecordKind::Person, person_id.0).await
    }

    /// A person's custody timeline, ordered, with undocumented gaps shown as unknown.
    pub async fn custody_timeline(
        &self,
        actor: &Actor,
        person_id: PersonId,
    ) -> Result<Vec<TimelineSegment>, AppError> {
        let periods = self.custody_periods(actor, person_id).await?;
        Ok(build_timeline(
            periods
                .into_iter()
                .map(|period| (CustodyPeriodId(period.id), period.body))
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use amparo_model::DatePeriod;

    use super::*;

    fn period(status: &str, from: &str, to: Option<&str>) -> (CustodyPeriodId, CustodyPeriod) {
        let start: FuzzyDate = from.parse().unwrap();
        let end = to.map(|to| to.parse::<FuzzyDate>().unwrap());
        (
            CustodyPeriodId::new(),
            CustodyPeriod {
                person_id: PersonId(uuid::Uuid::nil()),
                status: status.to_owned(),
                place_id: None,
                custodian_id: None,
                period: DatePeriod {
                    start: Some(start),
                    end,
                },
                notes: String::new(),
            },
        )
    }

    fn render(segments: &[TimelineSegment]) -> String {
        segments
            .iter()
            .map(|segment| {
                format!(
                    "{} {}..{}{}",
                    segment.status.as_deref().unwrap_or("UNKNOWN"),
                    segment.from.map(|d| d.to_string()).unwrap_or_default(),
                    segment.to.map(|d| d.to_string()).unwrap_or_default(),
                    if segment.overlaps_previous {
                        " (overlap)"
                    } else {
                        ""
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn orders_periods_and_shows_gaps_as_unknown() {
        let timeline = build_timeline(vec![
            period("repatriated", "2025-07-18", None),
            period("in-immigration-custody", "2025-02-10", Some("2025-03-15")),
            period("held-in-third-country", "2025-03-16", Some("2025-04")),
            period("released", "2025-07-18", Some("2025-07-18")),
        ]);
        assert_eq!(
            render(&timeline),
            "in-immigration-custody 2025-02-10..2025-03-15\n\
             held-in-third-country 2025-03-16..2025-04\n\
             UNKNOWN 2025-04..2025-07-18\n\
             released 2025-07-18..2025-07-18\n\
             repatriated 2025-07-18.."
        );
    }

    #[test]
    fn flags_overlapping_periods() {
        let timeline = build_timeline(vec![
            period("in-immigration-custody", "2025-02-01", Some("2025-03-20")),
            period("removed", "2025-03-15", Some("2025-03-15")),
        ]);
        assert!(timeline[1].overlaps_previous);
        assert_eq!(timeline.len(), 2);
    }

    #[test]
    fn empty_record_gives_empty_timeline() {
        assert!(build_timeline(Vec::new()).is_empty());
    }
}
