//! A person's custody timeline drawn as a picture: a server-rendered, self-contained SVG.
//!
//! [`custody_timeline_svg`] is a pure function of the timeline segments, the day it is drawn and
//! the labels of the page language. The picture has one lane per segment, in order, so that
//! overlapping periods (conflicting sources) stay visible. Each lane carries a text line (status,
//! dates as written in the record, place) above a bar coloured by the status family:
//!
//! | family                                       | drawing                                      |
//! |----------------------------------------------|----------------------------------------------|
//! | custody in the removing country              | blue bar                                     |
//! | removed, in transit                          | purple bar                                   |
//! | held in a third country                      | dark orange bar                              |
//! | **whereabouts unknown**                      | dark red hatched bar, tinted lane, bold label with a warning triangle |
//! | released, at liberty                         | green bar                                    |
//! | repatriated                                  | teal bar                                     |
//! | anything else                                | grey bar                                     |
//! | undocumented gap (and "not yet documented")  | dashed empty outline, labelled `unknown`     |
//!
//! Colour is never the only cue: every bar has its words next to it. An end known only to the
//! month or year, or approximate (`~`), fades out over the span it may mean; an open-ended
//! period runs to the dashed "today" line and ends in an arrow with the `ongoing` word.
//!
//! The SVG is meant to be inlined in an HTML page whose Content-Security-Policy forbids inline
//! styles and scripts, so it uses presentation attributes only: no `style`, no `<style>`, no
//! `<script>`, no event handlers, no external reference. Its ids all start with `tl-`; the page
//! must hold at most one timeline. It is accessible as one image (`role="img"`) named by
//! `labels.title` and described, segment by segment, in words.

// The person page does not render the timeline yet.

use std::fmt::Write as _;

use amparo_app::TimelineSegment;
use amparo_model::{DatePrecision, FuzzyDate, PlaceId};
use time::{Date, Month};

/// The words of the picture, in the page language.
pub struct TimelineLabels<'a> {
    /// The label of a custody status term id.
    pub status: &'a dyn Fn(&str) -> String,
    /// What an undocumented stretch is called ("No information").
    pub unknown: &'a str,
    /// What an open-ended period is called ("ongoing").
    pub ongoing: &'a str,
    /// The accessible name of the picture ("Custody timeline of P-0021").
    pub title: &'a str,
    /// The name of a place, if it has one.
    pub place: &'a dyn Fn(PlaceId) -> Option<String>,
}

/// The width of the picture in user units; its height grows with the number of lanes.
const WIDTH: f64 = 960.0;
/// Where the plot starts and ends horizontally.
const PLOT_LEFT: f64 = 16.0;
const PLOT_RIGHT: f64 = WIDTH - 16.0;
/// The margin between the plot edges and the first and last day shown.
const PAD: f64 = 28.0;
/// The room above the first lane, for the "today" label.
const TOP: f64 = 30.0;
const LANE_HEIGHT: f64 = 46.0;
/// Where the text line and the bar sit inside a lane.
const TEXT_BASELINE: f64 = 16.0;
const BAR_TOP: f64 = 22.0;
const BAR_HEIGHT: f64 = 16.0;
/// The room below the lanes, for the axis.
const AXIS_HEIGHT: f64 = 40.0;
/// The least width of a bar, so that a one-day period stays visible.
const MIN_BAR: f64 = 4.0;
/// The least width of a faded (imprecise) end.
const MIN_FRINGE: f64 = 12.0;
/// The width of the fade for an end the record does not give.
const OPEN_FRINGE: f64 = 28.0;
const LANE_FONT: f64 = 12.0;
const TICK_FONT: f64 = 11.0;
const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/// Dark text and lines.
const INK: &str = "#1f2937";
const MUTED: &str = "#4b5563";

/// Draws a custody timeline as an SVG image, `today` being the day the page is rendered.
///
/// With no segment at all it draws a small picture that says `labels.unknown` (an empty
/// timeline is itself a finding: nothing is documented), never an empty string.
pub fn custody_timeline_svg(
    segments: &[TimelineSegment],
    today: Date,
    labels: &TimelineLabels,
) -> String {
    if segments.is_empty() {
        return empty_svg(labels);
    }
    let scale = Scale::new(segments, today);
    let lanes: Vec<Lane> = segments
        .iter()
        .enumerate()
        .map(|(index, segment)| Lane::new(segments, index, segment, today, &scale, labels))
        .collect();
    let axis_y = TOP + LANE_HEIGHT * lanes.len() as f64 + 4.0;
    let height = axis_y + AXIS_HEIGHT;
    let axis = Axis::new(&scale);

    let mut svg = String::with_capacity(4096 + 1536 * lanes.len());
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="tl-title tl-desc" font-family="{font}" font-size="{size}" fill="{INK}">"#,
        w = num(WIDTH),
        h = num(height),
        font = FONT_FAMILY,
        size = num(LANE_FONT),
    );
    let _ = write!(
        svg,
        r#"<title id="tl-title">{}</title><desc id="tl-desc">{}</desc>"#,
        escape(labels.title),
        escape(
            &lanes
                .iter()
                .map(|lane| lane.sentence.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    defs(
        &mut svg,
        lanes.iter().any(|lane| lane.family == Family::Unknown),
    );
    // An opaque background, so that the dark text stays legible on any page.
    let _ = write!(
        svg,
        r##"<rect width="{}" height="{}" fill="#fff"/>"##,
        num(WIDTH),
        num(height)
    );

    // Grid lines behind everything.
    svg.push_str(r#"<g stroke-width="1">"#);
    for tick in &axis.major {
        let _ = write!(
            svg,
            r#"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{}"/>"#,
            if tick.year_start {
                "#d1d5db"
            } else {
                "#eceef1"
            },
            x = num(tick.x),
            y1 = num(TOP - 4.0),
            y2 = num(axis_y),
        );
    }
    svg.push_str("</g>");

    // Tinted lanes for whereabouts unknown.
    for (index, lane) in lanes.iter().enumerate() {
        if lane.family == Family::Unknown {
            let top = TOP + LANE_HEIGHT * index as f64;
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#fef2f2" stroke="#fecaca"/><rect x="{x}" y="{y}" width="4" height="{h}" fill="#b91c1c"/>"##,
                x = num(PLOT_LEFT - 8.0),
                y = num(top + 2.0),
                w = num(PLOT_RIGHT - PLOT_LEFT + 16.0),
                h = num(LANE_HEIGHT - 4.0),
            );
        }
    }

    // Today.
    let today_x = scale.x(today);
    let today_text = today.to_string();
    let today_width = text_width(&today_text, TICK_FONT, true);
    let _ = write!(
        svg,
        r#"<g id="tl-today"><line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="{size}" font-weight="700">{text}</text></g>"#,
        x = num(today_x),
        y1 = num(TOP - 8.0),
        y2 = num(axis_y),
        tx = num(today_x.clamp(today_width / 2.0 + 2.0, WIDTH - today_width / 2.0 - 2.0)),
        ty = num(TOP - 12.0),
        size = num(TICK_FONT),
        text = escape(&today_text),
    );

    for (index, lane) in lanes.iter().enumerate() {
        lane.draw(&mut svg, index, TOP + LANE_HEIGHT * index as f64);
    }

    axis.draw(&mut svg, axis_y);
    svg.push_str("</svg>");
    svg
}

/// The picture for a timeline with no segment: a dashed box saying `labels.unknown`.
fn empty_svg(labels: &TimelineLabels) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} 56" width="100%" role="img" aria-labelledby="tl-title tl-desc" font-family="{FONT_FAMILY}"><title id="tl-title">{title}</title><desc id="tl-desc">{unknown}</desc><rect x="{x}" y="8" width="{rw}" height="40" rx="4" fill="none" stroke="#6b7280" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{cx}" y="32.5" text-anchor="middle" font-size="13" font-style="italic" fill="{MUTED}">{unknown}</text></svg>"##,
        w = num(WIDTH),
        x = num(PLOT_LEFT),
        rw = num(PLOT_RIGHT - PLOT_LEFT),
        cx = num(WIDTH / 2.0),
        title = escape(labels.title),
        unknown = escape(labels.unknown),
    )
}

/// The shared definitions: the hatch of "whereabouts unknown" (only when used) and the fades of
/// imprecise ends.
fn defs(svg: &mut String, hatch: bool) {
    svg.push_str("<defs>");
    if hatch {
        svg.push_str(concat!(
            r##"<pattern id="tl-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"##,
            r##"<rect width="8" height="8" fill="#991b1b"/><rect width="3" height="8" fill="#fca5a5"/></pattern>"##,
        ));
    }
    for (id, x1, x2) in [("in", 0, 1), ("out", 1, 0)] {
        let _ = write!(
            svg,
            r##"<linearGradient id="tl-grad-{id}" x1="{x1}" y1="0" x2="{x2}" y2="0"><stop offset="0" stop-color="#fff" stop-opacity="0.08"/><stop offset="1" stop-color="#fff" stop-opacity="1"/></linearGradient><mask id="tl-fade-{id}" maskContentUnits="objectBoundingBox"><rect width="1" height="1" fill="url(#tl-grad-{id})"/></mask>"##,
        );
    }
    svg.push_str("</defs>");
}

/// Maps days to horizontal positions.
struct Scale {
    /// The Julian day drawn at `PLOT_LEFT + PAD`.
    start: i32,
    /// The Julian day drawn at `PLOT_RIGHT - PAD`.
    end: i32,
}

impl Scale {
    /// From the earliest known day of the timeline to the latest one or today, whichever is
    /// later; at least two weeks.
    fn new(segments: &[TimelineSegment], today: Date) -> Self {
        let today = today.to_julian_day();
        let starts = segments
            .iter()
            .filter_map(|segment| segment.from.or(segment.to))
            .map(|date| date.earliest().to_julian_day());
        let ends = segments
            .iter()
            .filter_map(|segment| segment.to)
            .map(|date| date.latest().to_julian_day() + 1);
        let end = ends.fold(today, i32::max);
        let start = starts.min().unwrap_or(end - 365).min(end - 14);
        Self { start, end }
    }

    fn days_per_pixel(&self) -> f64 {
        f64::from(self.end - self.start) / (PLOT_RIGHT - PLOT_LEFT - 2.0 * PAD)
    }

    /// The position of a Julian day (fractional days allowed).
    fn x_of_day(&self, day: f64) -> f64 {
        PLOT_LEFT + PAD + (day - f64::from(self.start)) / self.days_per_pixel()
    }

    /// The position of the start of a day.
    fn x(&self, date: Date) -> f64 {
        self.x_of_day(f64::from(date.to_julian_day()))
    }

    /// The position of the end of a day.
    fn x_after(&self, date: Date) -> f64 {
        self.x_of_day(f64::from(date.to_julian_day() + 1))
    }

    /// The Julian day at a position.
    fn day_at(&self, x: f64) -> f64 {
        f64::from(self.start) + (x - PLOT_LEFT - PAD) * self.days_per_pixel()
    }
}

/// The colour families of custody statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Custody,
    Removal,
    ThirdCountry,
    Unknown,
    Liberty,
    Repatriated,
    Other,
    /// Nothing documented: an undocumented gap, or the status "not yet documented".
    Gap,
}

impl Family {
    fn of(status: Option<&str>) -> Self {
        match status {
            None | Some("unknown-not-yet-documented") => Self::Gap,
            Some("in-immigration-custody" | "in-criminal-custody") => Self::Custody,
            Some("removed" | "in-transit") => Self::Removal,
            Some("held-in-third-country") => Self::ThirdCountry,
            Some("whereabouts-unknown") => Self::Unknown,
            Some("released" | "at-liberty-in-removing-country" | "at-liberty-abroad") => {
                Self::Liberty
            }
            Some("repatriated") => Self::Repatriated,
            Some(_) => Self::Other,
        }
    }

    /// The fill of the bar (all at least 3:1 against white).
    fn fill(self) -> &'static str {
        match self {
            Self::Custody => "#2563eb",
            Self::Removal => "#7c3aed",
            Self::ThirdCountry => "#c2410c",
            Self::Unknown => "url(#tl-hatch)",
            Self::Liberty => "#15803d",
            Self::Repatriated => "#0f766e",
            Self::Other => "#6b7280",
            Self::Gap => "none",
        }
    }

    /// A solid colour of the family, for arrows.
    fn solid(self) -> &'static str {
        match self {
            Self::Unknown => "#991b1b",
            Self::Gap => "#6b7280",
            other => other.fill(),
        }
    }

    /// The colour of the status words (all at least 4.5:1 against white and the tinted lane).
    fn text(self) -> &'static str {
        match self {
            Self::Custody => "#1e40af",
            Self::Removal => "#5b21b6",
            Self::ThirdCountry => "#9a3412",
            Self::Unknown => "#991b1b",
            Self::Liberty => "#166534",
            Self::Repatriated => "#115e59",
            Self::Other | Self::Gap => "#374151",
        }
    }
}

/// One segment, laid out.
struct Lane {
    family: Family,
    /// The bar's outer extent.
    x0: f64,
    x1: f64,
    /// The widths of the faded ends (0: a sharp end).
    fade_in: f64,
    fade_out: f64,
    /// Runs on past today.
    ongoing: bool,
    status: String,
    /// Dates and place, after the status.
    details: String,
    /// The segment in words, for the tooltip and the description.
    sentence: String,
}

impl Lane {
    fn new(
        segments: &[TimelineSegment],
        index: usize,
        segment: &TimelineSegment,
        today: Date,
        scale: &Scale,
        labels: &TimelineLabels,
    ) -> Self {
        let family = Family::of(segment.status.as_deref());
        let status = match &segment.status {
            Some(status) => (labels.status)(status),
            None => labels.unknown.to_owned(),
        };
        let fuzzy =
            |date: &FuzzyDate| date.is_approximate() || date.precision() != DatePrecision::Day;

        // An open-ended period followed by a later one lasts until that one starts (as in
        // `build_timeline`); the last one is ongoing.
        let next_start = segments[index + 1..]
            .iter()
            .filter_map(|next| next.from)
            .map(|from| from.earliest())
            .find(|next| segment.from.is_none_or(|from| *next > from.earliest()));
        let ongoing = segment.to.is_none() && next_start.is_none();

        let x0 = match segment.from {
            Some(from) => scale.x(from.earliest()),
            None => PLOT_LEFT + 2.0,
        };
        let mut x1 = match (segment.to, next_start) {
            (Some(to), _) => scale.x_after(to.latest()),
            (None, Some(next)) => scale.x(next),
            (None, None) => scale.x(today),
        };
        // The bar never ends before it starts, and never vanishes.
        x1 = x1.max(x0 + MIN_BAR);

        let (mut fade_in, mut fade_out) = (0.0, 0.0);
        if family != Family::Gap {
            fade_in = match segment.from {
                None => OPEN_FRINGE,
                Some(from) if fuzzy(&from) => {
                    (scale.x_after(from.latest()) - scale.x(from.earliest())).max(MIN_FRINGE)
                }
                Some(_) => 0.0,
            };
            fade_out = match segment.to {
                None if ongoing => 0.0,
                None => OPEN_FRINGE,
                Some(to) if fuzzy(&to) => {
                    (scale.x_after(to.latest()) - scale.x(to.earliest())).max(MIN_FRINGE)
                }
                Some(_) => 0.0,
            };
            // The fades share the bar when it is short.
            let room = x1 - x0;
            if fade_in + fade_out > room {
                let shrink = room / (fade_in + fade_out);
                fade_in *= shrink;
                fade_out *= shrink;
            }
        }

        let from_text = segment
            .from
            .map_or_else(|| "?".to_owned(), |d| d.to_string());
        let to_text = match segment.to {
            Some(to) => to.to_string(),
            None if ongoing => labels.ongoing.to_owned(),
            None => "?".to_owned(),
        };
        let dates = if segment.from.is_some() && segment.from == segment.to {
            from_text
        } else {
            format!("{from_text} – {to_text}")
        };
        let place = segment.place_id.and_then(|id| (labels.place)(id));
        let details = match &place {
            Some(place) => format!("{dates} · {place}"),
            None => dates.clone(),
        };
        let sentence = match &place {
            Some(place) => format!("{status}, {dates}, {place}."),
            None => format!("{status}, {dates}."),
        };
        Self {
            family,
            x0,
            x1,
            fade_in,
            fade_out,
            ongoing,
            status,
            details,
            sentence,
        }
    }

    fn draw(&self, svg: &mut String, index: usize, top: f64) {
        let _ = write!(
            svg,
            r#"<g id="tl-lane-{index}"><title>{}</title>"#,
            escape(&self.sentence)
        );
        let y = top + BAR_TOP;
        let h = num(BAR_HEIGHT);
        if self.family == Family::Gap {
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3" fill="#f9fafb" stroke="#6b7280" stroke-width="1.5" stroke-dasharray="5 3"/>"##,
                x = num(self.x0),
                y = num(y),
                w = num(self.x1 - self.x0),
            );
        } else {
            let fill = self.family.fill();
            let core0 = self.x0 + self.fade_in;
            let core1 = self.x1 - self.fade_out;
            if self.fade_in > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" mask="url(#tl-fade-in)"/>"#,
                    x = num(self.x0),
                    y = num(y),
                    // Overlap the solid part a little so that no seam shows.
                    w = num(self.fade_in + 0.5),
                );
            }
            if core1 > core0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>"#,
                    x = num(core0),
                    y = num(y),
                    w = num(core1 - core0),
                );
            }
            if self.fade_out > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" mask="url(#tl-fade-out)"/>"#,
                    x = num(core1 - 0.5),
                    y = num(y),
                    w = num(self.fade_out + 0.5),
                );
            }
            if self.family == Family::Unknown {
                // A dark outline around the whole stretch.
                let _ = write!(
                    svg,
                    r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="none" stroke="#450a0a" stroke-width="1.5"/>"##,
                    x = num(self.x0),
                    y = num(y),
                    w = num(self.x1 - self.x0),
                );
            }
            if self.ongoing {
                let _ = write!(
                    svg,
                    r#"<path d="M{x0} {y0}L{x1} {ym}L{x0} {y1}Z" fill="{}"/>"#,
                    self.family.solid(),
                    x0 = num(self.x1),
                    x1 = num(self.x1 + 11.0),
                    y0 = num(y - 4.0),
                    y1 = num(y + BAR_HEIGHT + 4.0),
                    ym = num(y + BAR_HEIGHT / 2.0),
                );
            }
        }
        self.draw_text(svg, top + TEXT_BASELINE);
        svg.push_str("</g>");
    }

    /// The status in bold and the details, starting above the bar and kept inside the plot.
    fn draw_text(&self, svg: &mut String, baseline: f64) {
        let warning = self.family == Family::Unknown;
        let mark = if warning { 17.0 } else { 0.0 };
        let available = PLOT_RIGHT - PLOT_LEFT - mark;
        let status = truncate(&self.status, LANE_FONT, true, available);
        let status_width = text_width(&status, LANE_FONT, true);
        let details = truncate(
            &format!(" · {}", self.details),
            LANE_FONT,
            false,
            available - status_width,
        );
        let width = mark + status_width + text_width(&details, LANE_FONT, false);
        let x = self.x0.min(PLOT_RIGHT - width).max(PLOT_LEFT);
        if warning {
            // A warning triangle with an exclamation mark.
            let _ = write!(
                svg,
                r##"<path d="M{ax} {ay}L{bx} {by}L{cx} {by}Z" fill="#b91c1c" stroke="#b91c1c" stroke-width="1.5" stroke-linejoin="round"/><text x="{tx}" y="{ty}" text-anchor="middle" font-size="10" font-weight="700" fill="#fff">!</text>"##,
                ax = num(x + 6.5),
                ay = num(baseline - 11.5),
                bx = num(x + 13.0),
                by = num(baseline + 0.5),
                cx = num(x),
                tx = num(x + 6.5),
                ty = num(baseline - 0.5),
            );
        }
        let _ = write!(
            svg,
            r##"<text x="{x}" y="{y}" stroke="{halo}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"><tspan font-weight="700" fill="{colour}">{status}</tspan><tspan fill="{details_colour}"{italic}>{details}</tspan></text>"##,
            x = num(x + mark),
            y = num(baseline),
            halo = if warning { "#fef2f2" } else { "#fff" },
            colour = self.family.text(),
            details_colour = if warning { "#7f1d1d" } else { MUTED },
            italic = if self.family == Family::Gap {
                r#" font-style="italic""#
            } else {
                ""
            },
            status = escape(&status),
            details = escape(&details),
        );
    }
}

/// A spacing of axis ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Days(i32),
    /// Mondays.
    Weeks,
    Months(u8),
    Years(i32),
}

impl Unit {
    /// The tick dates from `first` to `last` (Julian days, inclusive).
    fn dates(self, first: i32, last: i32) -> Vec<Date> {
        let Ok(start) = Date::from_julian_day(first.max(Date::MIN.to_julian_day())) else {
            return Vec::new();
        };
        let mut dates = Vec::new();
        let mut push = |date: Date| {
            let day = date.to_julian_day();
            if (first..=last).contains(&day) {
                dates.push(date);
            }
            day <= last
        };
        match self {
            Self::Days(step) => {
                let mut day = first + (step - first.rem_euclid(step)) % step;
                while let Ok(date) = Date::from_julian_day(day) {
                    if !push(date) {
                        break;
                    }
                    day += step;
                }
            }
            Self::Weeks => {
                let mut day =
                    first + (7 - i32::from(start.weekday().number_days_from_monday())) % 7;
                while let Ok(date) = Date::from_julian_day(day) {
                    if !push(date) {
                        break;
                    }
                    day += 7;
                }
            }
            Self::Months(step) => {
                let (mut year, mut month) = (start.year(), u8::from(start.month()));
                loop {
                    if (month - 1) % step == 0 {
                        let Ok(month_value) = Month::try_from(month) else {
                            break;
                        };
                        let Ok(date) = Date::from_calendar_date(year, month_value, 1) else {
                            break;
                        };
                        if !push(date) {
                            break;
                        }
                    }
                    month += 1;
                    if month > 12 {
                        month = 1;
                        year += 1;
                    }
                }
            }
            Self::Years(step) => {
                let mut year = start.year();
                loop {
                    if year.rem_euclid(step) == 0 {
                        let Ok(date) = Date::from_calendar_date(year, Month::January, 1) else {
                            break;
                        };
                        if !push(date) {
                            break;
                        }
                    }
                    year += 1;
                }
            }
        }
        dates
    }

    fn label(self, date: Date) -> String {
        match self {
            Self::Days(_) | Self::Weeks => date.to_string(),
            Self::Months(_) => format!("{:04}-{:02}", date.year(), u8::from(date.month())),
            Self::Years(_) => format!("{:04}", date.year()),
        }
    }

    /// The unlabelled ticks between labelled ones.
    fn minor(self) -> Option<Self> {
        match self {
            Self::Days(1) | Self::Months(1) => None,
            Self::Days(_) | Self::Weeks => Some(Self::Days(1)),
            Self::Months(_) | Self::Years(1) => Some(Self::Months(1)),
            Self::Years(_) => Some(Self::Years(1)),
        }
    }
}

/// The spacings tried, finest first.
const UNITS: [Unit; 16] = [
    Unit::Days(1),
    Unit::Days(2),
    Unit::Weeks,
    Unit::Months(1),
    Unit::Months(2),
    Unit::Months(3),
    Unit::Months(6),
    Unit::Years(1),
    Unit::Years(2),
    Unit::Years(5),
    Unit::Years(10),
    Unit::Years(20),
    Unit::Years(50),
    Unit::Years(100),
    Unit::Years(200),
    Unit::Years(500),
];

/// The least room between two tick labels.
const TICK_GAP: f64 = 12.0;

#[derive(Debug)]
struct Tick {
    x: f64,
    label: String,
    year_start: bool,
}

/// The time axis: labelled ticks at the finest spacing whose labels do not touch, and minor
/// ticks between them.
struct Axis {
    major: Vec<Tick>,
    minor: Vec<f64>,
}

impl Axis {
    fn new(scale: &Scale) -> Self {
        let first = scale.day_at(PLOT_LEFT).ceil() as i32;
        let last = scale.day_at(PLOT_RIGHT).floor() as i32;
        // Below about three months, days and weeks; beyond, months and years.
        let fine = last - first < 100;
        let unit = UNITS
            .iter()
            .copied()
            .filter(|unit| fine || !matches!(unit, Unit::Days(_) | Unit::Weeks))
            .find(|unit| {
                let dates = unit.dates(first, last);
                let width = text_width(
                    &unit.label(dates.first().copied().unwrap_or(Date::MIN)),
                    TICK_FONT,
                    false,
                );
                dates
                    .windows(2)
                    .all(|pair| scale.x(pair[1]) - scale.x(pair[0]) >= width + TICK_GAP)
            })
            .unwrap_or(Unit::Years(1000));
        let major: Vec<Tick> = unit
            .dates(first, last)
            .into_iter()
            .map(|date| Tick {
                x: scale.x(date),
                label: unit.label(date),
                year_start: date.month() == Month::January && date.day() == 1,
            })
            .collect();
        let minor = unit
            .minor()
            .map(|minor| minor.dates(first, last))
            .filter(|dates| {
                dates
                    .windows(2)
                    .all(|pair| scale.x(pair[1]) - scale.x(pair[0]) >= 4.0)
            })
            .unwrap_or_default()
            .into_iter()
            .map(|date| scale.x(date))
            .filter(|x| !major.iter().any(|tick| (tick.x - x).abs() < 0.5))
            .collect();
        Self { major, minor }
    }

    /// The labels that fit inside the picture, with their positions.
    fn labels(&self) -> impl Iterator<Item = &Tick> {
        self.major.iter().filter(|tick| {
            let half = text_width(&tick.label, TICK_FONT, false) / 2.0;
            tick.x - half >= 0.0 && tick.x + half <= WIDTH
        })
    }

    fn draw(&self, svg: &mut String, y: f64) {
        let _ = write!(
            svg,
            r##"<g id="tl-axis" stroke="#6b7280"><line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}"/>"##,
            x0 = num(PLOT_LEFT),
            x1 = num(PLOT_RIGHT),
            y = num(y),
        );
        for x in &self.minor {
            let _ = write!(
                svg,
                r#"<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}"/>"#,
                x = num(*x),
                y0 = num(y),
                y1 = num(y + 3.0),
            );
        }
        for tick in &self.major {
            let _ = write!(
                svg,
                r#"<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" stroke="{INK}"/>"#,
                x = num(tick.x),
                y0 = num(y),
                y1 = num(y + 6.0),
            );
        }
        svg.push_str("</g>");
        let _ = write!(
            svg,
            r#"<g text-anchor="middle" font-size="{}" fill="{MUTED}">"#,
            num(TICK_FONT)
        );
        for tick in self.labels() {
            let _ = write!(
                svg,
                r#"<text x="{x}" y="{y}">{label}</text>"#,
                x = num(tick.x),
                y = num(y + 19.0),
                label = escape(&tick.label),
            );
        }
        svg.push_str("</g>");
    }
}

/// A generous estimate of the width of a text in a sans-serif font, so that layout errs towards
/// room to spare.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'i' | 'j' | 'l' | 'I' | '·' => 0.32,
            'f' | 't' | 'r' | '(' | ')' | '-' => 0.42,
            '–' => 0.55,
            'm' | 'w' | 'M' | 'W' | '~' => 0.9,
            '—' | '…' => 1.0,
            c if c.is_ascii_digit() => 0.64,
            c if c.is_uppercase() => 0.74,
            c if c.is_alphabetic() => 0.62,
            c if c.is_ascii() => 0.64,
            _ => 0.9,
        })
        .sum();
    ems * size * if bold { 1.12 } else { 1.0 }
}

/// The text, cut with an ellipsis to fit a width (the whole text is in the tooltip).
fn truncate(text: &str, size: f64, bold: bool, width: f64) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_owned();
    }
    let mut cut = String::new();
    for c in text.chars() {
        cut.push(c);
        if text_width(&cut, size, bold) + text_width("…", size, bold) > width {
            cut.pop();
            break;
        }
    }
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// A number with at most one decimal, as short as it can be written.
fn num(value: f64) -> String {
    let text = format!("{value:.1}");
    match text.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

/// Escapes text for XML content and attribute values, and drops the characters XML forbids.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(' '),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> FuzzyDate {
        text.parse().unwrap()
    }

    fn day(text: &str) -> Date {
        date(text).earliest()
    }

    fn place_id(n: u8) -> PlaceId {
        format!("00000000-0000-0000-0000-0000000000{n:02}")
            .parse()
            .unwrap()
    }

    fn segment(
        status: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        place: Option<u8>,
    ) -> TimelineSegment {
        TimelineSegment {
            status: status.map(str::to_owned),
            from: from.map(date),
            to: to.map(date),
            period_id: None,
            place_id: place.map(place_id),
            overlaps_previous: false,
        }
    }

    fn status_label(id: &str) -> String {
        match id {
            "in-immigration-custody" => "In immigration custody",
            "removed" => "Removed",
            "whereabouts-unknown" => "Whereabouts unknown",
            "held-in-third-country" => "Held in a third country",
            "repatriated" => "Repatriated",
            "at-liberty-abroad" => "At liberty abroad",
            other => other,
        }
        .to_owned()
    }

    fn place_name(id: PlaceId) -> Option<String> {
        let names = [
            "Krome North Service Processing Center, Miami",
            "CECOT, Tecoluca",
            "San Salvador",
            "<script>alert(1)</script>",
        ];
        names
            .iter()
            .enumerate()
            .find(|(n, _)| place_id(*n as u8 + 1) == id)
            .map(|(_, name)| (*name).to_owned())
    }

    fn render(segments: &[TimelineSegment], today: &str) -> String {
        custody_timeline_svg(
            segments,
            day(today),
            &TimelineLabels {
                status: &status_label,
                unknown: "No information",
                ongoing: "ongoing",
                title: "Custody timeline of P-0021",
                place: &place_name,
            },
        )
    }

    /// The realistic timeline of a person removed to a third country.
    fn realistic() -> Vec<TimelineSegment> {
        vec![
            segment(
                Some("in-immigration-custody"),
                Some("2025-02-10"),
                Some("2025-03-15"),
                Some(1),
            ),
            segment(
                Some("removed"),
                Some("2025-03-15"),
                Some("2025-03-15"),
                None,
            ),
            segment(
                Some("whereabouts-unknown"),
                Some("2025-03-16"),
                Some("~2025-05"),
                None,
            ),
            segment(None, Some("~2025-05"), Some("2025-06"), None),
            segment(
                Some("held-in-third-country"),
                Some("2025-06"),
                Some("2025-07-18"),
                Some(2),
            ),
            segment(
                Some("repatriated"),
                Some("2025-07-18"),
                Some("2025-07-19"),
                Some(3),
            ),
            segment(Some("at-liberty-abroad"), Some("2025-07-20"), None, None),
        ]
    }

    /// The value of an attribute in an element's text.
    fn attr(element: &str, name: &str) -> Option<f64> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = start + element[start..].find('"')?;
        element[start..end].parse().ok()
    }

    /// The elements of a lane group.
    fn lane(svg: &str, index: usize) -> &str {
        let start = svg.find(&format!(r#"<g id="tl-lane-{index}">"#)).unwrap();
        let end = start + svg[start..].find("</g>").unwrap();
        &svg[start..end]
    }

    #[test]
    fn the_realistic_timeline_matches_its_snapshot() {
        let svg = render(&realistic(), "2025-08-20");
        expect_test::expect_file!["../tests/timeline_svg/realistic.svg"].assert_eq(&svg);
    }

    #[test]
    fn one_bar_group_per_segment_with_its_tooltip() {
        let segments = realistic();
        let svg = render(&segments, "2025-08-20");
        assert_eq!(svg.matches(r#"<g id="tl-lane-"#).count(), segments.len());
        assert!(!svg.contains(&format!(r#"<g id="tl-lane-{}">"#, segments.len())));
        assert!(lane(&svg, 4).contains(
            "<title>Held in a third country, 2025-06 – 2025-07-18, CECOT, Tecoluca.</title>"
        ));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="tl-title tl-desc""#));
        assert!(svg.contains(r#"<title id="tl-title">Custody timeline of P-0021</title>"#));
        assert!(svg.contains(concat!(
            r#"<desc id="tl-desc">In immigration custody, 2025-02-10 – 2025-03-15, "#,
            "Krome North Service Processing Center, Miami. Removed, 2025-03-15. ",
            "Whereabouts unknown, 2025-03-16 – ~2025-05. No information, ~2025-05 – 2025-06. ",
        )));
        assert!(svg.contains("At liberty abroad, 2025-07-20 – ongoing.</desc>"));
        assert!(svg.contains(r#"viewBox="0 0 960 "#) && svg.contains(r#"width="100%""#));
    }

    #[test]
    fn the_hatch_is_there_exactly_when_whereabouts_are_unknown() {
        let with = render(&realistic(), "2025-08-20");
        assert_eq!(with.matches(r#"<pattern id="tl-hatch""#).count(), 1);
        assert!(lane(&with, 2).contains(r#"fill="url(#tl-hatch)""#));
        assert!(
            lane(&with, 2).contains(r##"font-weight="700" fill="#991b1b">Whereabouts unknown<"##)
        );
        assert_eq!(
            with.matches("url(#tl-hatch)").count(),
            2,
            "core and faded end"
        );

        let without: Vec<_> = realistic()
            .into_iter()
            .filter(|segment| segment.status.as_deref() != Some("whereabouts-unknown"))
            .collect();
        let without = render(&without, "2025-08-20");
        assert!(!without.contains("tl-hatch"));
        assert!(!without.contains("#fef2f2"));
    }

    #[test]
    fn gaps_are_dashed_outlines_labelled_unknown() {
        let svg = render(&realistic(), "2025-08-20");
        let gap = lane(&svg, 3);
        assert!(gap.contains(r#"stroke-dasharray="5 3""#));
        assert!(!gap.contains("tl-hatch") && !gap.contains("mask="));
        assert!(gap.contains(">No information<"));
        // The only dashed bar is the gap.
        assert_eq!(svg.matches(r#"stroke-dasharray="5 3""#).count(), 1);

        let documented_gap = render(
            &[segment(
                Some("unknown-not-yet-documented"),
                Some("2024-01"),
                Some("2024-03"),
                None,
            )],
            "2024-06-01",
        );
        assert!(documented_gap.contains(r#"stroke-dasharray="5 3""#));
    }

    #[test]
    fn text_from_the_data_is_escaped() {
        let hostile = |_: &str| r#"Held "here" & <b>there</b> 'now'"#.to_owned();
        let svg = custody_timeline_svg(
            &[segment(Some("x"), Some("2025-01-01"), None, Some(4))],
            day("2025-02-01"),
            &TimelineLabels {
                status: &hostile,
                unknown: "<i>",
                ongoing: "<ongoing>",
                title: "P&<0021>",
                place: &place_name,
            },
        );
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(
            svg.contains("Held &quot;here&quot; &amp; &lt;b&gt;there&lt;/b&gt; &apos;now&apos;")
        );
        assert!(svg.contains("&lt;ongoing&gt;"));
        assert!(svg.contains("P&amp;&lt;0021&gt;"));
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<ongoing"));
        assert_eq!(escape("a\u{0}b\u{7}c\nd"), "abc d");
    }

    #[test]
    fn the_svg_obeys_the_content_security_policy() {
        for svg in [
            render(&realistic(), "2025-08-20"),
            render(&[], "2025-08-20"),
        ] {
            assert!(!svg.contains("<script"));
            assert!(!svg.contains(" style="));
            assert!(!svg.contains("<style"));
            assert!(!svg.contains("href"));
            assert!(
                !svg.contains("http:") || svg.matches("http:").count() == 1,
                "only xmlns"
            );
            assert!(!svg.contains("https:"));
            // No event handler attribute: no ` on…=` anywhere.
            let bytes = svg.as_bytes();
            for (at, _) in svg.match_indices(" on") {
                let rest = &bytes[at + 3..];
                let name_len = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                assert_ne!(rest.get(name_len), Some(&b'='), "event handler at {at}");
            }
            // Every url() is a fragment of this document.
            for (at, _) in svg.match_indices("url(") {
                assert_eq!(&svg[at + 4..at + 8], "#tl-");
            }
        }
    }

    #[test]
    fn ids_are_prefixed_unique_and_output_deterministic() {
        let svg = render(&realistic(), "2025-08-20");
        assert_eq!(svg, render(&realistic(), "2025-08-20"));
        let mut ids: Vec<&str> = svg
            .match_indices(r#" id=""#)
            .map(|(at, _)| {
                let rest = &svg[at + 5..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        assert!(ids.iter().all(|id| id.starts_with("tl-")), "{ids:?}");
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn open_ended_bars_reach_today() {
        let svg = render(&realistic(), "2025-08-20");
        let today_line = &svg[svg.find(r#"<g id="tl-today">"#).unwrap()..];
        let today_x = attr(today_line, "x1").unwrap();
        let ongoing = lane(&svg, 6);
        let bar = &ongoing[ongoing.find("<rect").unwrap()..];
        let end = attr(bar, "x").unwrap() + attr(bar, "width").unwrap();
        assert!((end - today_x).abs() < 0.11, "{end} vs {today_x}");
        assert!(ongoing.contains("<path"), "an arrow");
        assert!(ongoing.contains("2025-07-20 – ongoing"));
        assert!(svg.contains(">2025-08-20</text>"), "today is labelled");

        // An open-ended period followed by another ends where the next starts, and fades.
        let svg = render(
            &[
                segment(
                    Some("in-immigration-custody"),
                    Some("2025-01-01"),
                    None,
                    None,
                ),
                segment(
                    Some("removed"),
                    Some("2025-03-01"),
                    Some("2025-03-01"),
                    None,
                ),
            ],
            "2025-08-20",
        );
        let first = lane(&svg, 0);
        assert!(first.contains("mask=\"url(#tl-fade-out)\"") && !first.contains("<path"));
        assert!(first.contains("2025-01-01 – ?") && !first.contains("ongoing"));
    }

    #[test]
    fn imprecise_ends_fade() {
        let svg = render(&realistic(), "2025-08-20");
        // Exact days: sharp.
        assert!(!lane(&svg, 0).contains("mask="));
        // Ends at ~2025-05.
        assert!(lane(&svg, 2).contains("url(#tl-fade-out)"));
        assert!(!lane(&svg, 2).contains("url(#tl-fade-in)"));
        // Starts in 2025-06.
        assert!(lane(&svg, 4).contains("url(#tl-fade-in)"));
        assert!(!lane(&svg, 4).contains("url(#tl-fade-out)"));
    }

    #[test]
    fn an_empty_timeline_says_there_is_no_information() {
        let svg = render(&[], "2025-08-20");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"<desc id="tl-desc">No information</desc>"#));
        assert!(svg.contains(">No information</text>"));
        assert!(svg.contains(r#"role="img""#));
    }

    #[test]
    fn height_grows_with_the_lanes() {
        let one = render(&realistic()[..1], "2025-08-20");
        let seven = render(&realistic(), "2025-08-20");
        let height = |svg: &str| -> f64 {
            let start = svg.find(r#"viewBox="0 0 960 "#).unwrap() + 17;
            svg[start..start + svg[start..].find('"').unwrap()]
                .parse()
                .unwrap()
        };
        assert_eq!(height(&seven) - height(&one), 6.0 * LANE_HEIGHT);
    }

    #[test]
    fn tick_labels_never_overlap() {
        for (from, today, expected) in [
            ("2025-06-20", "2025-08-20", "2025-07-"),
            ("2023-08-20", "2025-08-20", "2024-0"),
            ("2015-08-20", "2025-08-20", "2020"),
            ("1925-01-01", "2025-08-20", "1950"),
            ("2025-08-14", "2025-08-20", "2025-08-1"),
        ] {
            let segments = [segment(Some("released"), Some(from), None, None)];
            let scale = Scale::new(&segments, day(today));
            let axis = Axis::new(&scale);
            let labels: Vec<&Tick> = axis.labels().collect();
            assert!(labels.len() >= 2, "{from}: {labels:?}");
            assert!(
                labels.iter().any(|tick| tick.label.starts_with(expected)),
                "{from}: {labels:?}"
            );
            for pair in labels.windows(2) {
                let half = |tick: &Tick| text_width(&tick.label, TICK_FONT, false) / 2.0;
                assert!(
                    pair[1].x - pair[0].x >= half(pair[0]) + half(pair[1]) + TICK_GAP,
                    "{from}: {pair:?}"
                );
            }
            for tick in &labels {
                assert!((PLOT_LEFT..=PLOT_RIGHT).contains(&tick.x));
            }
            // The rendered picture carries the same labels.
            let svg = render(&segments, today);
            for tick in &labels {
                assert!(svg.contains(&format!(">{}</text>", tick.label)));
            }
        }
    }

    #[test]
    fn long_texts_stay_inside_the_picture() {
        let long = |_: &str| "A status with a very long label ".repeat(8);
        let svg = custody_timeline_svg(
            &[segment(Some("x"), Some("2025-08-01"), None, Some(1))],
            day("2025-08-20"),
            &TimelineLabels {
                status: &long,
                unknown: "No information",
                ongoing: "ongoing",
                title: "t",
                place: &place_name,
            },
        );
        let lane = lane(&svg, 0);
        let text = &lane[lane.find("<text").unwrap()..];
        let x = attr(text, "x").unwrap();
        assert!(x >= PLOT_LEFT);
        assert!(text.contains('…'));
        // The full text is in the tooltip.
        assert!(lane.contains(&format!("<title>{}", long("").trim_end())));
    }

    #[test]
    fn dates_are_written_as_in_the_record() {
        let svg = render(
            &[segment(
                Some("held-in-third-country"),
                Some("~2024"),
                Some("2025-03"),
                None,
            )],
            "2025-08-20",
        );
        assert!(svg.contains("~2024 – 2025-03"));
        let unknown_start = render(
            &[segment(Some("released"), None, Some("2025-03-02"), None)],
            "2025-08-20",
        );
        assert!(unknown_start.contains("? – 2025-03-02"));
        assert!(unknown_start.contains("url(#tl-fade-in)"));
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.25), "12.2");
        assert_eq!(num(-0.01), "0");
    }
}
