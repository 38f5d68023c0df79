//! Display components: they show what they are given and hold no page state.

pub mod qr;
