#include "mail/catalog.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"
#include "text/format.hpp"

namespace herd::mail {

namespace {

struct Entry {
  const char* key;
  const char* en;
  const char* de;
  const char* fr;
  const char* es;
};

// clang-format off
// Subjects (keyed by message) and body texts (keyed by message.part), one line per text.
const Entry kCatalog[] = {
  {"confirmation", "%{instance}: Confirmation instructions", "%{instance}: Bestätigung deiner E-Mail-Adresse", "%{instance} : Instructions de confirmation", "%{instance}: Instrucciones de confirmación"},
  {"email_change", "%{instance}: Confirm your new email address", "%{instance}: Bestätige deine neue E-Mail-Adresse", "%{instance} : Confirmez votre nouvelle adresse", "%{instance}: Confirma tu nueva dirección de correo"},
  {"email_changed", "%{instance}: Your email address was changed", "%{instance}: Deine E-Mail-Adresse wurde geändert", "%{instance} : Votre adresse a été modifiée", "%{instance}: Tu dirección de correo ha cambiado"},
  {"reset_password", "%{instance}: Reset your password", "%{instance}: Passwort zurücksetzen", "%{instance} : Réinitialisez votre mot de passe", "%{instance}: Restablece tu contraseña"},
  {"password_changed", "%{instance}: Your password was changed", "%{instance}: Dein Passwort wurde geändert", "%{instance} : Votre mot de passe a été modifié", "%{instance}: Tu contraseña ha cambiado"},
  {"sign_in", "%{instance}: New sign-in to your account", "%{instance}: Neue Anmeldung bei deinem Konto", "%{instance} : Nouvelle connexion à votre compte", "%{instance}: Nuevo inicio de sesión en tu cuenta"},
  {"mention", "You were mentioned by %{name}", "Du wurdest von %{name} erwähnt", "Vous avez été mentionné·e par %{name}", "Fuiste mencionado por %{name}"},
  {"direct", "%{name} sent you a private mention", "%{name} hat dich privat erwähnt", "%{name} vous a mentionné·e en privé", "%{name} te envió una mención privada"},
  {"follow", "%{name} is now following you", "%{name} folgt dir jetzt", "%{name} vous suit", "%{name} te está siguiendo"},
  {"follow_request", "Pending follower: %{name}", "Ausstehende Follow-Anfrage: %{name}", "Demande d'abonnement : %{name}", "Seguidor pendiente: %{name}"},
  {"report", "%{instance}: New report", "%{instance}: Neue Meldung", "%{instance} : Nouveau signalement", "%{instance}: Nuevo informe"},
  {"pending_account", "%{instance}: New account up for review (%{name})", "%{instance}: Neues Konto zur Überprüfung (%{name})", "%{instance} : Nouveau compte à examiner (%{name})", "%{instance}: Nueva cuenta para revisión (%{name})"},
  {"warning", "%{instance}: A moderator took action on your account", "%{instance}: Maßnahme gegen dein Konto", "%{instance} : Une modération a été appliquée à votre compte", "%{instance}: Se ha tomado una medida sobre tu cuenta"},
  {"archive_ready", "%{instance}: Your archive is ready for download", "%{instance}: Dein Archiv steht zum Herunterladen bereit", "%{instance} : Votre archive est prête à être téléchargée", "%{instance}: Tu archivo está listo para descargar"},
  {"test", "%{instance}: Test message", "%{instance}: Testnachricht", "%{instance} : Message de test", "%{instance}: Mensaje de prueba"},
  {"unknown", "unknown", "unbekannt", "inconnu", "desconocido"},
  {"unsubscribe", "Unsubscribe", "Abbestellen", "Se désabonner", "Darse de baja"},
  {"confirmation.heading", "Welcome, @%{username}!", "Willkommen, @%{username}!", "Bienvenue, @%{username} !", "¡Bienvenido, @%{username}!"},
  {"confirmation.created", "You created an account on %{instance} (%{domain}) with this email address.", "Du hast mit dieser E-Mail-Adresse ein Konto auf %{instance} (%{domain}) angelegt.", "Vous avez créé un compte sur %{instance} (%{domain}) avec cette adresse.", "Creaste una cuenta en %{instance} (%{domain}) con esta dirección de correo."},
  {"confirmation.confirm", "Confirm it to finish signing up. The link works once, for 24 hours; if you did not sign up, ignore this message.", "Bestätige sie, um die Registrierung abzuschließen. Der Link funktioniert einmal, 24 Stunden lang; wenn du dich nicht registriert hast, ignoriere diese Nachricht.", "Confirmez-la pour terminer l'inscription. Le lien fonctionne une fois, pendant 24 heures ; si vous ne vous êtes pas inscrit·e, ignorez ce message.", "Confírmala para terminar el registro. El enlace funciona una vez, durante 24 horas; si no te registraste, ignora este mensaje."},
  {"confirm_email", "Confirm email address", "E-Mail-Adresse bestätigen", "Confirmer l'adresse", "Confirmar dirección de correo"},
  {"pending.heading", "A new account is waiting for review", "Ein neues Konto wartet auf Überprüfung", "Un nouveau compte attend d'être examiné", "Una cuenta nueva espera revisión"},
  {"pending.text", "@%{username} (%{email}) signed up and waits for approval.", "@%{username} (%{email}) hat sich registriert und wartet auf Freigabe.", "@%{username} (%{email}) s'est inscrit·e et attend une approbation.", "@%{username} (%{email}) se registró y espera aprobación."},
  {"pending.action", "Review sign-ups", "Registrierungen prüfen", "Examiner les inscriptions", "Revisar registros"},
  {"pending.footer", "You get this because you moderate %{instance}.", "Du erhältst dies, weil du %{instance} moderierst.", "Vous recevez ceci parce que vous modérez %{instance}.", "Recibes esto porque moderas %{instance}."},
  {"mention.text", "%{name} (@%{acct}) mentioned you:", "%{name} (@%{acct}) hat dich erwähnt:", "%{name} (@%{acct}) vous a mentionné·e :", "%{name} (@%{acct}) te mencionó:"},
  {"direct.text", "%{name} (@%{acct}) mentioned you privately:", "%{name} (@%{acct}) hat dich privat erwähnt:", "%{name} (@%{acct}) vous a mentionné·e en privé :", "%{name} (@%{acct}) te mencionó en privado:"},
  {"content_warning", "Content warning: %{text}", "Inhaltswarnung: %{text}", "Avertissement de contenu : %{text}", "Advertencia de contenido: %{text}"},
  {"view_post", "View the post", "Beitrag ansehen", "Voir le message", "Ver la publicación"},
  {"view_profile", "View profile", "Profil ansehen", "Voir le profil", "Ver perfil"},
  {"follow.text", "%{name} (@%{acct}) is now following you.", "%{name} (@%{acct}) folgt dir jetzt.", "%{name} (@%{acct}) vous suit désormais.", "%{name} (@%{acct}) ahora te sigue."},
  {"follow_request.text", "%{name} (@%{acct}) asked to follow you. Accept or reject the request in your app.", "%{name} (@%{acct}) möchte dir folgen. Nimm die Anfrage in deiner App an oder lehne sie ab.", "%{name} (@%{acct}) demande à vous suivre. Acceptez ou refusez la demande dans votre application.", "%{name} (@%{acct}) pidió seguirte. Acepta o rechaza la solicitud en tu aplicación."},
  {"report.text", "@%{acct} submitted a report. Review it in your app or with `herd admin reports`.", "@%{acct} hat eine Meldung eingereicht. Prüfe sie in deiner App oder mit `herd admin reports`.", "@%{acct} a envoyé un signalement. Examinez-le dans votre application ou avec `herd admin reports`.", "@%{acct} envió un informe. Revísalo en tu aplicación o con `herd admin reports`."},
  {"open_instance", "Open %{instance}", "%{instance} öffnen", "Ouvrir %{instance}", "Abrir %{instance}"},
  {"notification.footer", "You get this email because of your notification settings: %{url}", "Du erhältst diese E-Mail wegen deiner Benachrichtigungseinstellungen: %{url}", "Vous recevez ce message en raison de vos préférences de notification : %{url}", "Recibes este correo por tu configuración de notificaciones: %{url}"},
  {"warning.heading", "A moderator took action on your account", "Ein Moderator hat Maßnahmen gegen dein Konto ergriffen", "Une modération a été appliquée à votre compte", "Un moderador tomó medidas sobre tu cuenta"},
  {"warning.sensitive", "Your media will be marked as sensitive from now on.", "Deine Medien werden ab jetzt als heikel markiert.", "Vos médias seront désormais marqués comme sensibles.", "Tus archivos multimedia se marcarán como sensibles a partir de ahora."},
  {"warning.disable", "Your account has been disabled: you cannot sign in.", "Dein Konto wurde deaktiviert: du kannst dich nicht anmelden.", "Votre compte a été désactivé : vous ne pouvez plus vous connecter.", "Tu cuenta ha sido desactivada: no puedes iniciar sesión."},
  {"warning.silence", "Your account has been limited: only people who already follow you see your posts.", "Dein Konto wurde eingeschränkt: nur wer dir bereits folgt, sieht deine Beiträge.", "Votre compte a été limité : seules les personnes qui vous suivent déjà voient vos messages.", "Tu cuenta ha sido limitada: solo quienes ya te siguen ven tus publicaciones."},
  {"warning.suspend", "Your account has been suspended: it can no longer be used and your profile is hidden.", "Dein Konto wurde gesperrt: es kann nicht mehr benutzt werden und dein Profil ist verborgen.", "Votre compte a été suspendu : il ne peut plus être utilisé et votre profil est masqué.", "Tu cuenta ha sido suspendida: ya no se puede usar y tu perfil está oculto."},
  {"warning.none", "A moderator sent you a warning about your conduct on this server.", "Ein Moderator hat dich wegen deines Verhaltens auf diesem Server verwarnt.", "Une modération vous a adressé un avertissement concernant votre comportement sur ce serveur.", "Un moderador te envió una advertencia sobre tu conducta en este servidor."},
  {"warning.rules", "Read the server's rules: %{url}", "Lies die Regeln des Servers: %{url}", "Lisez les règles du serveur : %{url}", "Lee las normas del servidor: %{url}"},
  {"email_change.heading", "Confirm your new email address", "Bestätige deine neue E-Mail-Adresse", "Confirmez votre nouvelle adresse", "Confirma tu nueva dirección de correo"},
  {"email_change.text", "You asked to change the email address of @%{username} on %{instance} to this one.", "Du möchtest die E-Mail-Adresse von @%{username} auf %{instance} in diese ändern.", "Vous avez demandé à remplacer l'adresse de @%{username} sur %{instance} par celle-ci.", "Pediste cambiar la dirección de correo de @%{username} en %{instance} por esta."},
  {"email_change.confirm", "Confirm it to make the change. The link works once, for 24 hours; until then your old address stays in use.", "Bestätige sie, um die Änderung vorzunehmen. Der Link funktioniert einmal, 24 Stunden lang; bis dahin bleibt deine alte Adresse in Gebrauch.", "Confirmez-la pour effectuer le changement. Le lien fonctionne une fois, pendant 24 heures ; d'ici là, votre ancienne adresse reste utilisée.", "Confírmala para hacer el cambio. El enlace funciona una vez, durante 24 horas; hasta entonces se sigue usando tu dirección anterior."},
  {"email_changed.heading", "Your email address was changed", "Deine E-Mail-Adresse wurde geändert", "Votre adresse a été modifiée", "Tu dirección de correo ha cambiado"},
  {"email_changed.text", "The email address of @%{username} on %{instance} is now %{email}.", "Die E-Mail-Adresse von @%{username} auf %{instance} ist jetzt %{email}.", "L'adresse de @%{username} sur %{instance} est désormais %{email}.", "La dirección de correo de @%{username} en %{instance} es ahora %{email}."},
  {"not_you.reset", "If you did not do this, reset your password and contact the server's administrators.", "Wenn du das nicht warst, setze dein Passwort zurück und wende dich an die Administration des Servers.", "Si ce n'était pas vous, réinitialisez votre mot de passe et contactez l'administration du serveur.", "Si no fuiste tú, restablece tu contraseña y contacta con la administración del servidor."},
  {"reset_password", "Reset password", "Passwort zurücksetzen", "Réinitialiser le mot de passe", "Restablecer contraseña"},
  {"reset.heading", "Reset your password", "Setze dein Passwort zurück", "Réinitialisez votre mot de passe", "Restablece tu contraseña"},
  {"reset.text", "Someone asked to reset the password of @%{username} on %{instance}.", "Jemand möchte das Passwort von @%{username} auf %{instance} zurücksetzen.", "Quelqu'un a demandé à réinitialiser le mot de passe de @%{username} sur %{instance}.", "Alguien pidió restablecer la contraseña de @%{username} en %{instance}."},
  {"reset.link", "Choose a new password with this link; it works once, for 2 hours. If you did not ask, ignore this message: your password stays as it is.", "Wähle mit diesem Link ein neues Passwort; er funktioniert einmal, 2 Stunden lang. Wenn du das nicht angefragt hast, ignoriere diese Nachricht: dein Passwort bleibt, wie es ist.", "Choisissez un nouveau mot de passe avec ce lien ; il fonctionne une fois, pendant 2 heures. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.", "Elige una nueva contraseña con este enlace; funciona una vez, durante 2 horas. Si no lo pediste, ignora este mensaje: tu contraseña no cambia."},
  {"change_password", "Change password", "Passwort ändern", "Changer le mot de passe", "Cambiar contraseña"},
  {"password_changed.heading", "Your password was changed", "Dein Passwort wurde geändert", "Votre mot de passe a été modifié", "Tu contraseña ha cambiado"},
  {"password_changed.text", "The password of @%{username} on %{instance} was just changed.", "Das Passwort von @%{username} auf %{instance} wurde soeben geändert.", "Le mot de passe de @%{username} sur %{instance} vient d'être modifié.", "La contraseña de @%{username} en %{instance} acaba de cambiar."},
  {"password_changed.not_you", "If you did not do this, reset your password at once.", "Wenn du das nicht warst, setze dein Passwort sofort zurück.", "Si ce n'était pas vous, réinitialisez immédiatement votre mot de passe.", "Si no fuiste tú, restablece tu contraseña de inmediato."},
  {"sign_in.heading", "New sign-in to your account", "Neue Anmeldung bei deinem Konto", "Nouvelle connexion à votre compte", "Nuevo inicio de sesión en tu cuenta"},
  {"sign_in.text", "Someone signed in to @%{username} on %{instance} from a browser not seen before.", "Jemand hat sich bei @%{username} auf %{instance} mit einem bisher unbekannten Browser angemeldet.", "Quelqu'un s'est connecté à @%{username} sur %{instance} depuis un navigateur jamais vu auparavant.", "Alguien inició sesión en @%{username} en %{instance} desde un navegador nunca visto antes."},
  {"sign_in.browser", "Browser: %{browser}", "Browser: %{browser}", "Navigateur : %{browser}", "Navegador: %{browser}"},
  {"sign_in.address", "Address: %{address}", "Adresse: %{address}", "Adresse : %{address}", "Dirección: %{address}"},
  {"sign_in.not_you", "If this was not you, change your password at once.", "Wenn du das nicht warst, ändere sofort dein Passwort.", "Si ce n'était pas vous, changez immédiatement votre mot de passe.", "Si no fuiste tú, cambia tu contraseña de inmediato."},
  {"account_settings", "Account settings", "Kontoeinstellungen", "Paramètres du compte", "Configuración de la cuenta"},
  {"archive.heading", "Your archive is ready", "Dein Archiv ist bereit", "Votre archive est prête", "Tu archivo está listo"},
  {"archive.text", "The archive of @%{username} on %{instance} you asked for is ready.", "Das angeforderte Archiv von @%{username} auf %{instance} ist bereit.", "L'archive de @%{username} sur %{instance} que vous avez demandée est prête.", "El archivo de @%{username} en %{instance} que pediste está listo."},
  {"archive.when", "Download it while you are signed in; you can ask for a new one every 6 days.", "Lade es herunter, während du angemeldet bist; ein neues kannst du alle 6 Tage anfordern.", "Téléchargez-la en étant connecté·e ; vous pouvez en demander une nouvelle tous les 6 jours.", "Descárgalo con la sesión iniciada; puedes pedir uno nuevo cada 6 días."},
  {"archive.action", "Download archive", "Archiv herunterladen", "Télécharger l'archive", "Descargar archivo"},
};
// clang-format on

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    std::string placeholder = "%{" + name + "}";
    for (auto pos = text.find(placeholder); pos != std::string::npos;
         pos = text.find(placeholder, pos + value.size()))
      text.replace(pos, placeholder.size(), value);
  }
  return text;
}

std::string escape(std::string_view text) {
  return text::escape_html(text);
}

std::string host_of(const App& app) {
  std::string host =
      app.config.web_domain.empty() ? app.config.local_domain : app.config.web_domain;
  return host.substr(0, host.find(':'));
}

}  // namespace

std::string text(std::string_view key, std::string_view locale,
                 const std::map<std::string, std::string>& values) {
  std::string_view language = locale.substr(0, locale.find_first_of("-_"));
  for (const Entry& e : kCatalog) {
    if (key != e.key) continue;
    const char* chosen = language == "de"   ? e.de
                         : language == "fr" ? e.fr
                         : language == "es" ? e.es
                                            : e.en;
    return fill(chosen, values);
  }
  return fill("%{instance}", values);
}

std::string subject(std::string_view key, std::string_view locale,
                    const std::map<std::string, std::string>& values) {
  return text(key, locale, values);
}

Message compose(const App& app, const std::string& to, const Content& content,
                const std::string& unsubscribe_url) {
  Message m;
  m.to = to;
  m.from = app.config.smtp_from_address;
  m.subject = content.subject;
  m.date = now_unix_ms();
  m.message_id =
      "<" + std::to_string(next_id()) + "." + std::to_string(m.date) + "@" + host_of(app) + ">";
  m.list_unsubscribe = unsubscribe_url;

  std::string& t = m.text;
  if (!content.heading.empty()) t += content.heading + "\n\n";
  for (const auto& paragraph : content.paragraphs) t += paragraph + "\n\n";
  if (!content.quote.empty()) {
    std::string quoted = "> ";
    for (char ch : content.quote) quoted += ch == '\n' ? std::string("\n> ") : std::string(1, ch);
    t += quoted + "\n\n";
  }
  if (!content.action_url.empty()) t += content.action_label + ": " + content.action_url + "\n\n";
  t += "-- \n" + app.config.instance_title + " (" + app.base_url() + ")\n";
  if (!content.footer.empty()) t += content.footer + "\n";
  if (!unsubscribe_url.empty())
    t += text("unsubscribe", content.locale, {}) + ": " + unsubscribe_url + "\n";

  std::string& h = m.html;
  h = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escape(content.subject) +
      "</title></head><body style=\"font-family:sans-serif;color:#222;max-width:600px;"
      "margin:0 auto;padding:16px\">";
  if (!content.heading.empty())
    h += "<h1 style=\"font-size:20px\">" + escape(content.heading) + "</h1>";
  for (const auto& paragraph : content.paragraphs) h += "<p>" + escape(paragraph) + "</p>";
  if (!content.quote.empty())
    h += "<blockquote style=\"border-left:3px solid #ccc;margin:0;padding-left:12px;"
         "white-space:pre-wrap\">" +
         escape(content.quote) + "</blockquote>";
  if (!content.action_url.empty())
    h += "<p><a href=\"" + escape(content.action_url) +
         "\" style=\"display:inline-block;background:#563acc;color:#fff;padding:10px 16px;"
         "border-radius:4px;text-decoration:none\">" +
         escape(content.action_label) + "</a></p>";
  h += "<hr><p style=\"font-size:12px;color:#666\"><a href=\"" + escape(app.base_url()) + "\">" +
       escape(app.config.instance_title) + "</a>";
  if (!content.footer.empty()) h += " · " + escape(content.footer);
  if (!unsubscribe_url.empty())
    h += " · <a href=\"" + escape(unsubscribe_url) + "\">" +
         escape(text("unsubscribe", content.locale, {})) + "</a>";
  h += "</p></body></html>";
  return m;
}

}  // namespace herd::mail
