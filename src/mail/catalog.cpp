#include "mail/catalog.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"
#include "text/format.hpp"

namespace herd::mail {

namespace {

struct Subject {
  const char* key;
  const char* en;
  const char* de;
  const char* fr;
  const char* es;
};

// clang-format off
const Subject kSubjects[] = {
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

std::string subject(std::string_view key, std::string_view locale,
                    const std::map<std::string, std::string>& values) {
  std::string_view language = locale.substr(0, locale.find_first_of("-_"));
  for (const Subject& s : kSubjects) {
    if (key != s.key) continue;
    const char* text = language == "de"   ? s.de
                       : language == "fr" ? s.fr
                       : language == "es" ? s.es
                                          : s.en;
    return fill(text, values);
  }
  return fill("%{instance}", values);
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
  if (!unsubscribe_url.empty()) t += "Unsubscribe: " + unsubscribe_url + "\n";

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
    h += " · <a href=\"" + escape(unsubscribe_url) + "\">Unsubscribe</a>";
  h += "</p></body></html>";
  return m;
}

}  // namespace herd::mail
