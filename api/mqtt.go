package api

import (
	"net/http"

	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/publish"
)

// The MQTT broker the mqtt publishers publish to: its routes. The connection is package mqtt's, the broker
// kept package publish's (its Runtime).

// BrokerConfig is a broker to connect to (PUT /v1/mqtt): the whole of it, what is left out is none.
type BrokerConfig struct {
	// URL is the broker: mqtt://host:1883, or mqtts://host:8883 for TLS.
	URL string `json:"url" validate:"required" example:"mqtt://broker.lan:1883"`
	// ClientID is the daemon's MQTT client identifier (default: shmbridge-HOSTNAME), and its node id in Home
	// Assistant's discovery: 1 to 64 of a-z, A-Z, 0-9, _ and -.
	ClientID string `json:"client_id,omitempty" example:"shmbridge-pc1"`
	// Username and Password authenticate the daemon to the broker. The password is kept in the daemon's
	// publishers directory (0600) and never answered.
	Username string `json:"username,omitempty" example:"shmbridge"`
	Password string `json:"password,omitempty" example:"broker-secret"`
	// CAPEM is the PEM certificates mqtts:// trusts (a broker's own CA; default: the system's roots).
	CAPEM string `json:"ca_pem,omitempty"`
}

// Broker is the broker the mqtt publishers publish to, and the connection to it (GET /v1/mqtt).
type Broker struct {
	// URL is the broker ("": none; mqtt publishers are kept, and publish once one is set).
	URL      string `json:"url" example:"mqtt://broker.lan:1883"`
	ClientID string `json:"client_id" example:"shmbridge-pc1"`
	Username string `json:"username,omitempty" example:"shmbridge"`
	// PasswordSet says whether a password is kept (it is never answered).
	PasswordSet bool   `json:"password_set"`
	CAPEM       string `json:"ca_pem,omitempty"`
	// SetByFlag: -mqtt set the broker at start; PUT and DELETE are 409 set-by-flag.
	SetByFlag bool `json:"set_by_flag"`
	// StatusTopic is where the daemon says "online" (retained) while connected; the broker's last will says
	// "offline" when it dies, and the daemon itself when it stops.
	StatusTopic string `json:"status_topic,omitempty" example:"shmbridge/shmbridge-pc1/status"`
	// Connected says whether the connection is up; Connections counts those made.
	Connected   bool  `json:"connected"`
	Connections int64 `json:"connections"`
	// PendingRemovals counts Home Assistant entities of deleted publishers whose removal waits for the broker.
	PendingRemovals int `json:"pending_removals"`
}

func brokerOf(b publish.Broker) Broker {
	out := Broker{URL: b.URL, Username: b.Username, PasswordSet: b.Password != "", CAPEM: b.CA, SetByFlag: b.Fixed,
		StatusTopic: b.StatusTopic, Connected: b.Connected, Connections: b.Connections, PendingRemovals: b.PendingRemovals}
	if b.URL != "" {
		out.ClientID = b.ID()
	}
	return out
}

// getBroker godoc
//
//	@Summary	Show the MQTT broker
//	@ID			getBroker
//	@Tags		publishers
//	@Produce	json
//	@Success	200	{object}	Broker
//	@Security	BearerAuth
//	@Router		/v1/mqtt [get]
func (s *server) getBroker(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, brokerOf(s.publish.Broker()))
}

// putBroker godoc
//
//	@Summary		Set the MQTT broker
//	@ID				putBroker
//	@Description	The mqtt publishers publish to this broker from now on (the connection to the one before ends, its
//	@Description	status topic left "offline"), and after a restart. The daemon connects in the background: the answer
//	@Description	says `connected: false` until it is up (GET /v1/mqtt). With -mqtt at start, 409 set-by-flag.
//	@Tags			publishers
//	@Param			broker	body	BrokerConfig	true	"The broker"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: the url, the client id, a certificate"
//	@Failure		409	{object}	Problem	"set-by-flag"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Produce		json
//	@Success		200	{object}	Broker
//	@Security		BearerAuth
//	@Router			/v1/mqtt [put]
func (s *server) putBroker(w http.ResponseWriter, r *http.Request) error {
	var req BrokerConfig
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.URL == "" {
		return fail(probInvalidRequest, "url: the broker, mqtt://host:1883 (DELETE /v1/mqtt sets none)")
	}
	cfg := mqtt.Config{URL: req.URL, ClientID: req.ClientID, Username: req.Username, Password: req.Password, CA: req.CAPEM}
	if err := s.publish.SetBroker(cfg); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, brokerOf(s.publish.Broker()))
}

// deleteBroker godoc
//
//	@Summary		Set no MQTT broker
//	@ID				deleteBroker
//	@Description	Disconnects (the status topic left "offline"); the mqtt publishers are kept, and publish once a broker
//	@Description	is set again. With -mqtt at start, 409 set-by-flag.
//	@Tags			publishers
//	@Produce		application/problem+json
//	@Failure		409	{object}	Problem	"set-by-flag"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/mqtt [delete]
func (s *server) deleteBroker(w http.ResponseWriter, r *http.Request) error {
	if err := s.publish.SetBroker(mqtt.Config{}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
