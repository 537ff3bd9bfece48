"""complaintdesk: the domain package shared by every function (deployed as a Lambda layer)."""
