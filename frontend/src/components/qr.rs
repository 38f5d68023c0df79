//! A QR code drawn in the browser as one SVG path, so a secret-bearing `otpauth://` URI never
//! leaves the page to be rendered elsewhere.

use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc};
use std::fmt::Write;

/// The light margin around the symbol, in modules, that the QR specification asks for.
const QUIET_ZONE: i32 = 4;

/// `text` as a QR code (error correction level M), with `label` as its accessible name. The size
/// comes from CSS; the SVG scales to it.
#[component]
pub fn Qr(#[prop(into)] text: String, #[prop(into)] label: String) -> impl IntoView {
    match QrCode::encode_text(&text, QrCodeEcc::Medium) {
        Ok(qr) => {
            let d = path_data(qr.size(), QUIET_ZONE, |x, y| qr.get_module(x, y));
            let extent = qr.size() + 2 * QUIET_ZONE;
            view! {
                <svg class="qr" viewBox=format!("0 0 {extent} {extent}")
                    shape-rendering="crispEdges" role="img" aria-label=label>
                    <rect width="100%" height="100%" fill="#ffffff" />
                    <path d=d fill="#000000" />
                </svg>
            }
            .into_any()
        }
        // Only text of more than about 2 kB cannot be encoded; the key shown beside it still works.
        Err(_) => view! { <p class="meta">"This code cannot be shown as a QR code."</p> }.into_any(),
    }
}

/// The SVG path of a `size`×`size` module grid: one closed 1×1 square per dark module, offset by
/// `border` modules of quiet zone. `dark(x, y)` says whether the module in column `x`, row `y` is
/// dark.
pub fn path_data(size: i32, border: i32, dark: impl Fn(i32, i32) -> bool) -> String {
    let mut d = String::new();
    for y in 0..size {
        for x in 0..size {
            if dark(x, y) {
                if !d.is_empty() {
                    d.push(' ');
                }
                // Writing to a String cannot fail.
                let _ = write!(d, "M{},{}h1v1h-1z", x + border, y + border);
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_square_per_dark_module_offset_by_the_border() {
        let grid = [[true, false], [false, true]];
        let d = path_data(2, 4, |x, y| grid[y as usize][x as usize]);
        assert_eq!(d, "M4,4h1v1h-1z M5,5h1v1h-1z");
    }

    #[test]
    fn rows_are_walked_top_to_bottom_left_to_right() {
        let grid = [[false, true, true], [true, false, false], [false, false, false]];
        let d = path_data(3, 0, |x, y| grid[y as usize][x as usize]);
        assert_eq!(d, "M1,0h1v1h-1z M2,0h1v1h-1z M0,1h1v1h-1z");
    }

    #[test]
    fn an_all_light_grid_draws_nothing() {
        assert_eq!(path_data(5, 4, |_, _| false), "");
    }

    #[test]
    fn a_real_code_has_its_finder_patterns_where_the_spec_puts_them() {
        let qr =
            QrCode::encode_text("otpauth://totp/Elevate:alice?secret=JBSWY3DPEHPK3PXP", QrCodeEcc::Medium)
                .unwrap_or_else(|e| panic!("encodable: {e}"));
        let d = path_data(qr.size(), QUIET_ZONE, |x, y| qr.get_module(x, y));
        // The top-left finder's corner module, after the quiet zone, comes first.
        assert!(d.starts_with("M4,4h1v1h-1z"));
        let squares = d.split(' ').count();
        let dark = (0..qr.size())
            .flat_map(|y| (0..qr.size()).map(move |x| (x, y)))
            .filter(|&(x, y)| qr.get_module(x, y))
            .count();
        assert_eq!(squares, dark);
    }
}
