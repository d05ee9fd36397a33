//! Children in need and child protection: the child's episode and its steps (issue 5).
use crate::{App, AppError};
use hearth_domain::cin::EpisodeId;
use hearth_domain::front_door::tasks::Task;
use hearth_domain::policy::Deadline;
use hearth_store::Tx;

impl App {
    /// The deadline the pack in force gives an episode task's step; `None` when the step is
    /// no longer due or the episode is gone (the task keeps its date).
    pub(crate) async fn recompute_episode_step(&self, _tx: &mut dyn Tx, _episode: EpisodeId, _task: &Task) -> Result<Option<Deadline>, AppError> {
        Ok(None)
    }
}
