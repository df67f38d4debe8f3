"""Running a build: the order of the stages, what is reused from earlier builds, and how
outputs reach the output folder safely. Nothing here changes what an edition contains."""
