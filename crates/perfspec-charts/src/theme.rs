//! Colours and sizes shared by every chart, in a light and a dark variant.

use plotters::style::colors::colormaps::{ColorMap, DerivedColorMap};
use plotters::style::{Color, RGBColor};

/// How the charts look: colours for light or dark pages, and the factor that scales every size
/// (fonts, strokes, margins) so that a canvas sized in device pixels stays crisp and legible.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub dark: bool,
    pub background: RGBColor,
    pub foreground: RGBColor,
    /// Secondary text: axis descriptions, notes, "no data".
    pub muted: RGBColor,
    pub grid: RGBColor,
    /// Categorical colours; models keep the same colour in every chart.
    pub palette: [RGBColor; 8],
    /// Stops of the sequential ramp of heat maps, from the lowest value to the highest. Low values
    /// sit close to the background so that the eye goes to the large counts.
    pub ramp: Vec<RGBColor>,
    pub font_family: &'static str,
    /// Device pixels per CSS pixel (1 for SVG files).
    pub scale: f64,
    /// Multiplies font sizes only: [`crate::render_svg`] sets it to make up for plotters' SVG
    /// backend, which writes every font 1.24 times smaller than the canvas backend draws it.
    pub text_scale: f64,
}

// Okabe & Ito's colour-blind-safe palette. The order differs per theme so that the first colours
// (the models drawn most often) have the most contrast with the background: pure black is
// replaced by a grey that reads on both backgrounds.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);

impl Theme {
    pub fn light() -> Self {
        Self {
            dark: false,
            background: RGBColor(0xFF, 0xFF, 0xFF),
            foreground: RGBColor(0x1F, 0x23, 0x28),
            muted: RGBColor(0x59, 0x63, 0x6E),
            grid: RGBColor(0xE3, 0xE6, 0xEA),
            palette: [
                BLUE,
                ORANGE,
                GREEN,
                VERMILLION,
                PURPLE,
                SKY,
                RGBColor(0x4D, 0x4D, 0x4D),
                YELLOW,
            ],
            // ColorBrewer "Blues".
            ramp: vec![
                RGBColor(0xEF, 0xF3, 0xFF),
                RGBColor(0xBD, 0xD7, 0xE7),
                RGBColor(0x6B, 0xAE, 0xD6),
                RGBColor(0x31, 0x82, 0xBD),
                RGBColor(0x08, 0x51, 0x9C),
                RGBColor(0x08, 0x30, 0x6B),
            ],
            font_family: "sans-serif",
            scale: 1.0,
            text_scale: 1.0,
        }
    }

    pub fn dark() -> Self {
        Self {
            dark: true,
            background: RGBColor(0x16, 0x1B, 0x22),
            foreground: RGBColor(0xE6, 0xED, 0xF3),
            muted: RGBColor(0x9D, 0xA7, 0xB3),
            grid: RGBColor(0x30, 0x36, 0x3D),
            palette: [
                SKY,
                ORANGE,
                GREEN,
                VERMILLION,
                PURPLE,
                YELLOW,
                RGBColor(0xBB, 0xBB, 0xBB),
                BLUE,
            ],
            // Viridis from its dark blue end, which still stands out from the background.
            ramp: vec![
                RGBColor(0x2A, 0x2F, 0x5C),
                RGBColor(0x3B, 0x52, 0x8B),
                RGBColor(0x21, 0x91, 0x8C),
                RGBColor(0x5E, 0xC9, 0x62),
                RGBColor(0xFD, 0xE7, 0x25),
            ],
            font_family: "sans-serif",
            scale: 1.0,
            text_scale: 1.0,
        }
    }

    /// The same theme with every size multiplied by `scale` (a canvas's device pixel ratio).
    pub fn scaled(mut self, scale: f64) -> Self {
        self.scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        self
    }

    /// A font size in CSS pixels, in the backend's units.
    pub fn font_px(&self, css_pixels: f64) -> f64 {
        css_pixels * self.scale * self.text_scale
    }

    /// A size in CSS pixels, in the backend's pixels.
    pub fn px(&self, css_pixels: f64) -> i32 {
        (css_pixels * self.scale).round() as i32
    }

    /// `px` for sizes plotters wants unsigned.
    pub fn upx(&self, css_pixels: f64) -> u32 {
        self.px(css_pixels).max(0) as u32
    }

    /// The colour of series `index`, repeating after eight.
    pub fn series(&self, index: usize) -> RGBColor {
        self.palette[index % self.palette.len()]
    }

    /// The ramp's colour at `t` in [0, 1] (clamped; NaN counts as 0).
    pub fn ramp_color(&self, t: f64) -> RGBColor {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        if self.ramp.len() < 2 {
            return self.ramp.first().copied().unwrap_or(self.foreground);
        }
        DerivedColorMap::new(&self.ramp).get_color(t as f32)
    }

    /// Text colour that reads on `fill`: the darker or lighter of foreground and background.
    pub fn text_on(&self, fill: &RGBColor) -> RGBColor {
        let (dark, light) = if self.dark {
            (self.background, self.foreground)
        } else {
            (self.foreground, self.background)
        };
        if relative_luminance(fill) > 0.4 {
            dark
        } else {
            light
        }
    }

    /// The grid colour a little stronger, for axes and frames.
    pub fn axis(&self) -> RGBColor {
        self.muted.mix(0.6).blend_over(&self.background)
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::light()
    }
}

trait BlendOver {
    fn blend_over(&self, under: &RGBColor) -> RGBColor;
}

impl BlendOver for plotters::style::RGBAColor {
    fn blend_over(&self, under: &RGBColor) -> RGBColor {
        let plotters::style::RGBAColor(r, g, b, alpha) = *self;
        let mix = |top: u8, bottom: u8| {
            (f64::from(top) * alpha + f64::from(bottom) * (1.0 - alpha)).round() as u8
        };
        RGBColor(mix(r, under.0), mix(g, under.1), mix(b, under.2))
    }
}

/// WCAG relative luminance in [0, 1].
fn relative_luminance(color: &RGBColor) -> f64 {
    let channel = |value: u8| {
        let c = f64::from(value) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.0) + 0.7152 * channel(color.1) + 0.0722 * channel(color.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_run_from_the_background_side_to_strong() {
        for theme in [Theme::light(), Theme::dark()] {
            let low = relative_luminance(&theme.ramp_color(0.0));
            let high = relative_luminance(&theme.ramp_color(1.0));
            let background = relative_luminance(&theme.background);
            assert!((low - background).abs() < (high - background).abs());
            assert_eq!(theme.ramp_color(f64::NAN), theme.ramp_color(0.0));
            assert_eq!(theme.ramp_color(7.0), theme.ramp_color(1.0));
        }
    }

    #[test]
    fn cell_text_contrasts_with_its_fill() {
        let theme = Theme::light();
        assert_eq!(theme.text_on(&RGBColor(255, 255, 255)), theme.foreground);
        assert_eq!(theme.text_on(&RGBColor(8, 48, 107)), theme.background);
        let dark = Theme::dark();
        assert_eq!(dark.text_on(&RGBColor(0xFD, 0xE7, 0x25)), dark.background);
    }

    #[test]
    fn scale_multiplies_sizes() {
        let theme = Theme::light().scaled(2.0);
        assert_eq!(theme.px(12.0), 24);
        assert_eq!(Theme::light().scaled(f64::NAN).scale, 1.0);
    }
}
