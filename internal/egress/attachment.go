package egress

import (
	"errors"
	"fmt"
	"io"

	"gust/internal/sandbox"
)

var _ sandbox.Uplink = (*Gateway)(nil)

// Attachment connects each environment it is attached to through an Uplink
// (the Gateway). Pooled sandboxes are attached too, before their function
// is known: egress does not depend on the function.
type Attachment struct {
	uplink sandbox.Uplink
}

var _ sandbox.Attachment = (*Attachment)(nil)

// NewAttachment attaches environments to u.
func NewAttachment(u sandbox.Uplink) *Attachment {
	return &Attachment{uplink: u}
}

// Attach connects inst's network; an instance that shares the host's
// network (no sandbox.UplinkAttacher) is refused. The instance owns the
// link and closes it in Destroy, once its processes are gone and before it
// releases its namespace, so there is nothing for the caller to close.
func (a *Attachment) Attach(inst sandbox.Instance) (io.Closer, error) {
	ua, ok := inst.(sandbox.UplinkAttacher)
	if !ok {
		return nil, errors.New("egress: the sandbox cannot connect its network to the outside")
	}
	if err := ua.AttachUplink(a.uplink); err != nil {
		return nil, fmt.Errorf("connecting the environment: %w", err)
	}
	return nil, nil
}
