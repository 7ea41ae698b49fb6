//! refrain: find the phrases a body of text keeps repeating, count them properly, follow them
//! through time, and chart them.
#![deny(missing_docs)]

pub mod analysis;
pub mod budget;
pub mod chart;
pub mod cli;
pub mod collections;
pub mod corpus;
pub mod count;
pub mod figure;
pub mod fsutil;
pub mod group;
pub mod interrupt;
pub mod partial;
pub mod phrases;
pub mod pipeline;
pub mod progress;
pub mod query;
pub mod report;
pub mod reread;
pub mod select;
pub mod stats;
pub mod table;
