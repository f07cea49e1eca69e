"""The permission matrix of the design, stated once: who the `people` fixture (tests/conftest.py) is, and what
each of them may do on the `team` fixture (a running LST team with a lead, an expert, an observer and a
supporter). The per-area matrix tests (team actions over HTTP, the board's services, supervision, pages,
sockets) parametrize from this table; none keeps its own copy.
"""
from teams.models import ClusterRole

# role -> (username, cluster role, fields of action); made in this order (tests compare user ids).
PEOPLE = {
    "manager": ("manager", ClusterRole.CLUSTER_MANAGEMENT, ()),
    "lead": ("lead", None, ()),
    "expert": ("expert", None, ()),
    "observer": ("observer", None, ()),
    "supporter": ("supporter", ClusterRole.FIELD_MANAGER, ["LST"]),
    "field_manager": ("fieldmanager", ClusterRole.FIELD_MANAGER, ["LST"]),
    "other_field_manager": ("othermanager", ClusterRole.FIELD_MANAGER, ["IC"]),
    "advisor": ("advisor", ClusterRole.ADVISORY_BOARD, ()),
    "outsider": ("outsider", None, ()),
}
ROLES = ["outsider", "observer", "expert", "lead", "supporter", "field_manager", "other_field_manager", "advisor",
         "manager"]
VISITORS = ["anonymous", *ROLES]  # anonymous: not signed in

# Actions of teams.permissions.Action, and "propose" (any signed-in person proposes a team).
ACTIONS = ["view", "contribute", "edit", "review", "propose", "launch", "extend", "conclude", "invite",
           "approve_join", "change_roles", "remove_member"]
Y, N = True, False
ALLOWED = {  # columns follow ACTIONS
    #                      view contr edit review prop launch ext concl invite appr roles remove
    "anonymous":           [N,   N,   N,   N,    N,   N,    N,   N,    N,    N,   N,    N],
    "outsider":            [N,   N,   N,   N,    Y,   N,    N,   N,    N,    N,   N,    N],
    "observer":            [Y,   N,   N,   N,    Y,   N,    N,   N,    N,    N,   N,    N],
    "expert":              [Y,   Y,   N,   N,    Y,   N,    N,   N,    N,    N,   N,    N],
    "lead":                [Y,   Y,   Y,   N,    Y,   N,    N,   N,    Y,    Y,   Y,    Y],
    "supporter":           [Y,   Y,   Y,   N,    Y,   N,    N,   N,    Y,    Y,   N,    N],
    "field_manager":       [Y,   N,   N,   N,    Y,   N,    N,   N,    N,    N,   N,    N],
    "other_field_manager": [N,   N,   N,   N,    Y,   N,    N,   N,    N,    N,   N,    N],
    "advisor":             [Y,   N,   N,   Y,    Y,   N,    N,   N,    N,    N,   N,    N],
    "manager":             [Y,   Y,   Y,   Y,    Y,   Y,    Y,   Y,    Y,    Y,   Y,    Y],
}

# The rules of supervision, reports and members that are not one team Action (teams.permissions),
# asked directly: role × rule. Columns follow RULES.
RULES = ["viewable_teams", "schedule_reviews", "write_minutes", "see_meeting", "export_team", "export_all",
         "download_team_report", "download_all_report", "remove_other", "leave"]
RULE_ALLOWED = {
    "outsider":            [N, N, N, N, N, N, N, N, N, Y],
    "observer":            [Y, N, N, Y, Y, N, Y, N, N, Y],
    "expert":              [Y, N, N, Y, Y, N, Y, N, N, Y],
    "lead":                [Y, N, N, Y, Y, N, Y, N, Y, Y],
    "supporter":           [Y, N, N, Y, Y, Y, Y, N, N, Y],  # also the LST field's manager
    "field_manager":       [Y, N, N, Y, Y, Y, Y, N, N, Y],
    "other_field_manager": [N, N, N, N, N, Y, N, N, N, Y],
    "advisor":             [Y, Y, Y, Y, Y, Y, Y, Y, N, Y],
    "manager":             [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y],
}

# The people pages (teams/people/permissions.py), over HTTP: who sees the expert directory, who gets its "currently
# in no team" filter, who sees suggested experts on a team's invite form (those who may invite) and on the launch
# form (those who launch), who saves a professional profile (their own). Columns follow PEOPLE_RULES.
PEOPLE_RULES = ["see_directory", "filter_in_no_team", "suggestions_for_team", "suggestions_at_launch",
                "edit_own_profile"]
PEOPLE_ALLOWED = {
    #                      dir  no-team team launch profile
    "anonymous":           [N,   N,      N,   N,     N],
    "outsider":            [Y,   N,      N,   N,     Y],
    "observer":            [Y,   N,      N,   N,     Y],
    "expert":              [Y,   N,      N,   N,     Y],
    "lead":                [Y,   N,      Y,   N,     Y],
    "supporter":           [Y,   N,      Y,   N,     Y],
    "field_manager":       [Y,   N,      N,   N,     Y],
    "other_field_manager": [Y,   N,      N,   N,     Y],
    "advisor":             [Y,   N,      N,   N,     Y],
    "manager":             [Y,   Y,      Y,   Y,     Y],
}


def may(role, action):
    """Whether `role` (a key of VISITORS) may take `action` (one of ACTIONS) on the team."""
    return ALLOWED[role][ACTIONS.index(action)]


def roles_that(action, allowed=True, among=ROLES):
    """The roles (of `among`) that may take `action` (or, allowed=False, may not)."""
    return [role for role in among if may(role, action) == allowed]

# Invitations (teams/invitations): inviting, sending again, withdrawing and seeing the pending invitations (their
# addresses) on the team page. All four follow Action.INVITE; answering one is the invited person's, not a role's.
INVITATION_ACTIONS = ["invite", "resend", "revoke", "see_invitations"]
INVITATION_ALLOWED = {  # columns follow INVITATION_ACTIONS
    "anonymous":           [N, N, N, N],
    "outsider":            [N, N, N, N],
    "observer":            [N, N, N, N],
    "expert":              [N, N, N, N],
    "lead":                [Y, Y, Y, Y],
    "supporter":           [Y, Y, Y, Y],
    "field_manager":       [N, N, N, N],
    "other_field_manager": [N, N, N, N],
    "advisor":             [N, N, N, N],
    "manager":             [Y, Y, Y, Y],
}
# Accounts and contributions (teams/accounts, teams/contributions), role × rule on the `team` fixture:
# "deactivate": deactivate (and reactivate) another person; "state_own_contribution": state their own contribution
# to the team (members only, in any role); "edit_others_contribution": change another member's (nobody).
ACCOUNT_RULES = ["deactivate", "state_own_contribution", "edit_others_contribution"]
ACCOUNT_ALLOWED = {
    "outsider":            [N, N, N],
    "observer":            [N, Y, N],
    "expert":              [N, Y, N],
    "lead":                [N, Y, N],
    "supporter":           [N, Y, N],
    "field_manager":       [N, N, N],  # of the team's field, not a member
    "other_field_manager": [N, N, N],
    "advisor":             [N, N, N],
    "manager":             [Y, N, N],  # cluster management, not a member of the team
}


def account_rule(role, rule):
    """Whether `role` may follow `rule` (one of ACCOUNT_RULES)."""
    return ACCOUNT_ALLOWED[role][ACCOUNT_RULES.index(rule)]


# A person's data on request (teams/dataexport/permissions.py): "own_data": ask for one's own export; "others_data":
# ask for another person's (a member of the `team` fixture, or anyone else).
EXPORT_RULES = ["own_data", "others_data"]
EXPORT_ALLOWED = {
    "anonymous":           [N, N],
    "outsider":            [Y, N],
    "observer":            [Y, N],
    "expert":              [Y, N],
    "lead":                [Y, N],  # not even for their own team's members
    "supporter":           [Y, N],
    "field_manager":       [Y, N],
    "other_field_manager": [Y, N],
    "advisor":             [Y, N],
    "manager":             [Y, Y],  # cluster management, for anyone
}


def export_rule(role, rule):
    """Whether `role` (a key of VISITORS) may follow `rule` (one of EXPORT_RULES)."""
    return EXPORT_ALLOWED[role][EXPORT_RULES.index(rule)]


# The notices (teams/privacy/permissions.py), over HTTP: everyone reads the privacy notice and the imprint, signed in
# or not; cluster management edits them. Columns follow NOTICE_RULES.
NOTICE_RULES = ["read_notices", "edit_notices"]
NOTICE_ALLOWED = {
    #                      read edit
    "anonymous":           [Y,   N],
    "outsider":            [Y,   N],
    "observer":            [Y,   N],
    "expert":              [Y,   N],
    "lead":                [Y,   N],
    "supporter":           [Y,   N],
    "field_manager":       [Y,   N],
    "other_field_manager": [Y,   N],
    "advisor":             [Y,   N],
    "manager":             [Y,   Y],
}


# Files in chat (teams/discussion/file_views.py), over HTTP: posting a message with a file (who writes in the
# team) and downloading a message's file, original and preview (who may read its channel:
# teams.discussion.access.can_read_channel). Columns follow CHAT_FILE_ACTIONS.
CHAT_FILE_ACTIONS = ["post_file", "download_file"]
CHAT_FILE_ALLOWED = {
    #                      post download
    "anonymous":           [N,   N],
    "outsider":            [N,   N],
    "observer":            [N,   Y],
    "expert":              [Y,   Y],
    "lead":                [Y,   Y],
    "supporter":           [Y,   Y],
    "field_manager":       [N,   Y],
    "other_field_manager": [N,   N],
    "advisor":             [N,   Y],
    "manager":             [Y,   Y],
}


def chat_file_rule(role, action):
    return CHAT_FILE_ALLOWED[role][CHAT_FILE_ACTIONS.index(action)]
# Channels (teams/discussion/access.py) on the `team` fixture: its public channel "general", and a private channel
# the lead made for the expert and the observer (tests/channel_helpers.py) — not for the supporter, not for cluster
# management: a private channel is read by its members only. Rename, describe, archive: leads and supporters (and
# cluster management) of a channel they see; pin: whoever may post there; a private channel's members: its creator
# (and its members who lead). Columns follow CHANNEL_ACTIONS.
CHANNEL_ACTIONS = ["rename", "describe", "archive", "pin", "read_private", "post_private", "rename_private",
                   "pin_private", "members_private"]
CHANNEL_ALLOWED = {
    #                      ren  desc arch pin  read post ren  pin  members   (the last five: the private channel)
    "anonymous":           [N,   N,   N,   N,   N,   N,   N,   N,   N],
    "outsider":            [N,   N,   N,   N,   N,   N,   N,   N,   N],
    "observer":            [N,   N,   N,   N,   Y,   N,   N,   N,   N],
    "expert":              [N,   N,   N,   Y,   Y,   Y,   N,   Y,   N],
    "lead":                [Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y],
    "supporter":           [Y,   Y,   Y,   Y,   N,   N,   N,   N,   N],
    "field_manager":       [N,   N,   N,   N,   N,   N,   N,   N,   N],
    "other_field_manager": [N,   N,   N,   N,   N,   N,   N,   N,   N],
    "advisor":             [N,   N,   N,   N,   N,   N,   N,   N,   N],
    "manager":             [Y,   Y,   Y,   Y,   N,   N,   N,   N,   N],
}


def channel_rule(role, action):
    """Whether `role` (a key of VISITORS) may take `action` (one of CHANNEL_ACTIONS)."""
    return CHANNEL_ALLOWED[role][CHANNEL_ACTIONS.index(action)]


# Direct messages (teams/direct/access.py), on a conversation of two ("participant", the author of the message
# acted on, and "other_participant"), over HTTP and on the socket /ws/dm/<id>/: only participants read, post, react
# and mark read; only the author edits and deletes; everyone else (cluster management, a superuser who is staff)
# gets 404 (the socket: a refused handshake), as for a conversation that does not exist. Columns follow
# DIRECT_ACTIONS; "list": the conversation is on their /messages/ page.
DIRECT_ROLES = ["participant", "other_participant", "non_participant", "manager", "admin", "anonymous"]
DIRECT_ACTIONS = ["list", "read", "history", "post", "edit", "delete", "react", "mark_read", "socket"]
DIRECT_ALLOWED = {
    #                   list read hist post edit del react read socket
    "participant":       [Y,   Y,   Y,   Y,   Y,   Y,  Y,    Y,   Y],
    "other_participant": [Y,   Y,   Y,   Y,   N,   N,  Y,    Y,   Y],
    "non_participant":   [N,   N,   N,   N,   N,   N,  N,    N,   N],
    "manager":           [N,   N,   N,   N,   N,   N,  N,    N,   N],
    "admin":             [N,   N,   N,   N,   N,   N,  N,    N,   N],
    "anonymous":         [N,   N,   N,   N,   N,   N,  N,    N,   N],
}


def direct_rule(role, action):
    """Whether `role` (of DIRECT_ROLES) may take `action` (of DIRECT_ACTIONS) in the conversation."""
    return DIRECT_ALLOWED[role][DIRECT_ACTIONS.index(action)]


# The board beyond cards and columns (teams/board: labels, columns, cards), role × rule on the `team` fixture:
# "manage_labels": create, rename, recolour, delete the team's labels (Action.EDIT); "set_wip_enforcement": turn a
# column's enforced WIP limit on or off (Action.EDIT, with the column's settings); "edit_card_field": one field of
# a card inline (Action.CONTRIBUTE); "undo": bring back an archived card (Action.CONTRIBUTE; an Undo of a move is a
# card move). Over the socket (tests/test_board_cards_socket.py) and the services (tests/test_board_matrix.py).
BOARD_RULES = ["manage_labels", "set_wip_enforcement", "edit_card_field", "undo"]
BOARD_ALLOWED = {
    #                      labels wip  field undo
    "outsider":            [N,     N,   N,    N],
    "observer":            [N,     N,   N,    N],
    "expert":              [N,     N,   Y,    Y],
    "lead":                [Y,     Y,   Y,    Y],
    "supporter":           [Y,     Y,   Y,    Y],
    "field_manager":       [N,     N,   N,    N],  # of the team's field, not a member: reads only
    "other_field_manager": [N,     N,   N,    N],
    "advisor":             [N,     N,   N,    N],
    "manager":             [Y,     Y,   Y,    Y],
}


def board_rule(role, rule):
    """Whether `role` may follow `rule` (one of BOARD_RULES)."""
    return BOARD_ALLOWED[role][BOARD_RULES.index(rule)]
