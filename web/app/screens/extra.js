// The people and stream screens, registered in this order ("/profile/edit"
// before "/profile/:id"): profile, edit my profile, my network,
// notifications, company and hashtag streams, settings, communities.
import './profile-edit.js';
import './profile.js';
import './network.js';
import './notifications.js';
import './streams.js';
import './settings.js';
import './communities.js';
import './community.js';
import './messages.js';
import './questions.js';
import './files.js';
import './search.js';
