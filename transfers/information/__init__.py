"""信息变更 (DOMAIN Status changes, 镇制度 五(三)): a change to any field of the 学生基本信息表 or of a pupil's family
members. The town's list (`policy`) says which items need the town office's approval: those become one
request of the kind `information_change` (transfers.kinds.information_change); the others the school's
registrar edits directly (`services.edit_directly`), recorded in history with the actor and an audit event.
`services.change_information` does both at once — the entry point other features call."""
