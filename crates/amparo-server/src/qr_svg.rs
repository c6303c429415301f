//! A QR code as inline SVG, drawn by Amparo itself (the `qrcode` crate computes the modules):
//! no image file, no external asset, no script, and presentation attributes only, as the
//! Content-Security-Policy requires.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white margin around the code, as the QR specification asks.
const QUIET_ZONE: usize = 4;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG of a QR code of `text` with `label` as its accessible name, `size` pixels wide; `None`
/// when the text is too long for any QR code.
pub fn qr_svg(text: &str, label: &str, size: u32) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|color| color == Color::Dark)
        .collect();
    let side = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if !dark[y * width + x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && dark[y * width + x] {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!(
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            ));
        }
    }
    let label = escape(label);
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" aria-label=\"{label}\" \
         width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <title>{label}</title>\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_dark_module_and_nothing_else() {
        let svg = qr_svg("otpauth://totp/Amparo:ana?secret=ABC", "QR <code>", 200).unwrap();
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("aria-label=\"QR &lt;code&gt;\""));
        assert!(!svg.contains("style"), "the CSP forbids inline styles");
        assert!(!svg.contains("<script"));
        let code = QrCode::with_error_correction_level(
            "otpauth://totp/Amparo:ana?secret=ABC".as_bytes(),
            EcLevel::M,
        )
        .unwrap();
        let dark = code
            .to_colors()
            .iter()
            .filter(|color| **color == Color::Dark)
            .count();
        // Every run is `M x y h<run>v1h-<run>z`: add up the runs.
        let drawn: usize = svg
            .split("h-")
            .skip(1)
            .filter_map(|rest| rest.split('z').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(drawn, dark);
    }

    #[test]
    fn text_too_long_for_a_qr_code_gives_none() {
        assert_eq!(qr_svg(&"x".repeat(5000), "too long", 200), None);
    }
}
