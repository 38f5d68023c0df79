//! Display components: they show what they are given and hold no page state.

pub mod countdown;
pub mod qr;
pub mod status;
