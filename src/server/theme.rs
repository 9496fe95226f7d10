//! `/theme.css`: the bank's colours as CSS custom properties over the defaults of
//! `style/main.css`, for light and dark schemes. Colours are adjusted, and a warning is
//! logged, when they would not reach WCAG AA contrast (4.5:1) against the page.

use super::config::{Rgb, Theme};

/// The backgrounds of `style/main.css` that brand-coloured text stands on, the lightest of
/// the light scheme and of the dark: the page's, off-white (the language switcher stands on
/// it; a colour that reads on it reads on the white cards too), and the dark scheme's cards.
const PAGE_LIGHT: Rgb = Rgb([0xf5, 0xf3, 0xee]);
const SURFACE_DARK: Rgb = Rgb([0x1f, 0x1c, 0x28]);
const AA: f64 = 4.5;

fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let c = |i: usize| (f64::from(a.0[i]) * (1.0 - t) + f64::from(b.0[i]) * t).round() as u8;
    Rgb([c(0), c(1), c(2)])
}

/// `color`, moved towards `towards` until it reaches AA contrast against `surface`.
fn readable(color: Rgb, surface: Rgb, towards: Rgb) -> Rgb {
    (0..=20)
        .map(|step| mix(color, towards, f64::from(step) * 0.05))
        .find(|c| c.contrast(surface) >= AA)
        .unwrap_or(towards)
}

/// Text on an accent-coloured button: white or near-black, whichever reads better.
fn on(color: Rgb) -> Rgb {
    let (white, ink) = (Rgb([0xff, 0xff, 0xff]), Rgb([0x15, 0x12, 0x1f]));
    if color.contrast(white) >= color.contrast(ink) {
        white
    } else {
        ink
    }
}

pub fn stylesheet(theme: &Theme) -> String {
    let Some(color) = theme.color else {
        return "/* No brand colour configured: the defaults of main.css apply. */\n".into();
    };
    let light = readable(color, PAGE_LIGHT, Rgb([0, 0, 0]));
    if light != color {
        tracing::warn!(configured = %color.hex(), used = %light.hex(), "ASSENT_BRAND_COLOR is too light for text on the page; darkened to reach 4.5:1");
    }
    let dark_base = theme.color_dark.unwrap_or(color);
    let dark = readable(dark_base, SURFACE_DARK, Rgb([0xff, 0xff, 0xff]));
    if theme.color_dark.is_some_and(|c| c != dark) {
        tracing::warn!(configured = %dark_base.hex(), used = %dark.hex(), "ASSENT_BRAND_COLOR_DARK is too dark on the dark theme; lightened to reach 4.5:1");
    }
    format!(
        ":root {{ --brand: {}; --brand-contrast: {}; }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ --brand: {}; --brand-contrast: {}; }} }}\n",
        light.hex(),
        on(light).hex(),
        dark.hex(),
        on(dark).hex()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_colours_reach_aa_contrast_in_both_schemes() {
        // #767676 reaches 4.5:1 on the white cards, not on the page around them.
        for hex in ["#ffd400", "#0b5fff", "#000000", "#ffffff", "#4c2fb8", "#767676"] {
            let theme = Theme { color: Rgb::parse(hex), ..Theme::default() };
            let css = stylesheet(&theme);
            let values: Vec<Rgb> =
                css.split(['#', ';']).filter_map(|p| Rgb::parse(&format!("#{}", p.trim()))).collect();
            assert_eq!(values.len(), 4, "{css}");
            assert!(values[0].contrast(PAGE_LIGHT) >= AA, "{hex}: {css}");
            assert!(values[0].contrast(Rgb([0xff, 0xff, 0xff])) >= AA, "{hex}: {css}");
            assert!(values[2].contrast(Rgb([0x14, 0x12, 0x1a])) >= AA, "{hex}: {css}");
            assert!(values[0].contrast(values[1]) >= AA, "{hex}: {css}");
            assert!(values[2].contrast(SURFACE_DARK) >= AA, "{hex}: {css}");
            assert!(values[2].contrast(values[3]) >= AA, "{hex}: {css}");
        }
        assert!(stylesheet(&Theme::default()).starts_with("/*"));
    }
}
