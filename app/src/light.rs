//! Trafikljus: the one scale on which Utfall judges a measure, a satsning's reporting and its
//! budget. The rules that give a light live with what they judge (`dashboard`); this module is
//! only the scale and its badge, so any concept can show a light without depending on them.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Trafikljus. Ordered from best to worst, so the worst of several is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Light {
    /// Nothing to judge yet (no target, no value): shown as such, never as green.
    Unknown,
    Green,
    Yellow,
    Red,
}

impl Light {
    pub fn label(self) -> &'static str {
        match self {
            Light::Unknown => "Inget underlag",
            Light::Green => "Grön",
            Light::Yellow => "Gul",
            Light::Red => "Röd",
        }
    }

    /// Form value in filters.
    pub fn as_param(self) -> &'static str {
        match self {
            Light::Unknown => "ingen",
            Light::Green => "gron",
            Light::Yellow => "gul",
            Light::Red => "rod",
        }
    }

    pub fn from_param(value: &str) -> Option<Self> {
        [Light::Unknown, Light::Green, Light::Yellow, Light::Red]
            .into_iter()
            .find(|l| l.as_param() == value)
    }

    pub fn class(self) -> &'static str {
        match self {
            Light::Unknown => "light-unknown",
            Light::Green => "light-green",
            Light::Yellow => "light-yellow",
            Light::Red => "light-red",
        }
    }

    /// A shape that carries the light without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Light::Unknown => "–",
            Light::Green => "●",
            Light::Yellow => "▲",
            Light::Red => "■",
        }
    }
}

/// A light as a badge: a shape and a word, the colour only supports them.
#[component]
pub fn LightBadge(light: Light) -> impl IntoView {
    view! {
        <span class=format!("light {}", light.class())>
            <span aria-hidden="true">{light.symbol()}" "</span>{light.label()}
        </span>
    }
}
