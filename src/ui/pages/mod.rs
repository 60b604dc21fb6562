//! One module per page of the app (see `routes::Route`).

pub mod dashboard;
pub mod exchange;
pub mod model_detail;
pub mod model_form;
pub mod models;
pub mod not_found;
pub mod plan_form;
pub mod plans;
pub mod report;
pub mod send;
pub mod visit;
pub mod settings;
