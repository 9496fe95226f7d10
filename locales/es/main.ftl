# Textos de Assent en español.
date-format = %-d de %B de %Y

## Shell
skip-to-content = Ir al contenido
language = Idioma
language-change = Cambiar idioma
page-suffix = Assent

## Home
home-title = Inicio
home-lead = La pantalla de consentimiento de su servidor de autorización: muestra a las personas exactamente lo que pide una aplicación, les permite conceder todo, una parte o nada, y respeta su decisión.
home-issuer = Servidor de autorización:
home-portal-link = Revisar las aplicaciones a las que dio acceso
home-demo-link = Abrir la aplicación de demostración del sandbox
home-demo-hint = Inicie sesión como user, user2 o user3 con la contraseña p@ssword!

## Consent screen
consent-page-title = Solicitud de consentimiento
consent-title = { $client } quiere acceder a su cuenta
consent-signed-in = Sesión iniciada como { $user }
consent-asks = Solicita:
consent-also-receive = También recibirá:
consent-change-mind = Puede cambiar de opinión en cualquier momento: revoque este acceso desde la página de su cuenta.
consent-required = (necesario para iniciar sesión)
consent-about-app = Acerca de esta aplicación
consent-nothing = Nada que mostrar
consent-nothing-lead = Abra esta página desde la aplicación en la que está iniciando sesión.
consent-select-one = Seleccione al menos un permiso para permitir, o elija Rechazar.
link-website = Sitio web
link-policy = Política de privacidad
link-terms = Términos del servicio
other-permissions = Otros permisos
allow = Permitir
deny = Rechazar

## Portal
portal-title = Sus aplicaciones conectadas
portal-lead = Vea cada aplicación a la que permitió acceder a su cuenta, lo que puede hacer cada una, y retire el acceso cuando quiera.
sign-in = Iniciar sesión
sign-out = Cerrar sesión
portal-signed-in = Sesión iniciada como { $user }
portal-filter-label = Filtrar por nombre
portal-filter = Filtrar
portal-empty = Ninguna aplicación tiene acceso a su cuenta. Cuando permita una, aparecerá aquí.
portal-no-match = Ninguna aplicación coincide con este filtro.
portal-apps-label = Aplicaciones con acceso
portal-active = Activo
portal-granted = Acceso concedido el { $date }
portal-can = Puede:
portal-receives = Recibe:
portal-revoke = Revocar acceso
portal-revoke-label = Revocar el acceso de { $client }
portal-revoked = Acceso revocado. La aplicación ya no puede usar su cuenta.
revoke-page-title = Revocar acceso
revoke-title = ¿Revocar el acceso de { $client }?
revoke-loses = { $client } pierde de inmediato el acceso a su cuenta y sus tokens de inicio de sesión dejan de funcionar.
revoke-data = Es posible que aún conserve datos que obtuvo antes; pida a la aplicación que los elimine si lo desea.
revoke-again = Puede volver a permitirla más adelante iniciando sesión en ella.
revoke-nothing = Nada que revocar.
cancel = Cancelar

## Error pages
error-status = Error { $status }
error-request-id = Id. de solicitud
error-home = Ir a la página de inicio
not-found-title = Página no encontrada
not-found-message = No hay nada en esta dirección.
link-incomplete-title = Este enlace está incompleto
link-incomplete-message = Una página de consentimiento necesita el login_id y el login_state que añade el servidor de autorización. Vuelva a la aplicación e inicie sesión de nuevo.
link-invalid-title = Este enlace no es válido
link-invalid-message = Sus parámetros están mal formados. Vuelva a la aplicación e inicie sesión de nuevo.
flow-expired-title = Esta solicitud de inicio de sesión ha caducado
flow-expired-message = Puede que haya expirado, que ya se haya completado o que el enlace esté incompleto. Vuelva a la aplicación e inicie sesión de nuevo.
answered-title = Esta solicitud ya fue respondida
answered-message = Su decisión quedó registrada. Vuelva a la aplicación para continuar.
refused-title = Esta solicitud no es válida
refused-message = El servidor de autorización la rechazó. Vuelva a la aplicación e inicie sesión de nuevo.
busy-title = Demasiadas solicitudes en este momento
busy-message = El servidor de autorización está ocupado. Espere un momento y vuelva a cargar esta página.
timeout-title = El servidor de autorización no responde
timeout-message = Tardó demasiado en responder. Vuelva a cargar esta página en un momento; su inicio de sesión sigue a la espera.
trouble-title = El servidor de autorización tiene problemas
trouble-message = Assent no pudo obtener una respuesta válida. Vuelva a cargar esta página en un momento, o vuelva a la aplicación e inténtelo de nuevo.
bad-redirect-message = Envió una dirección inesperada para continuar y Assent no la siguió. Vuelva a la aplicación e inténtelo de nuevo.
form-incomplete-title = Este formulario está incompleto
form-incomplete-message = Vuelva a la aplicación e inicie sesión de nuevo.
form-choose = Elija Permitir o Rechazar.
form-forged-title = No se pudo verificar este formulario
form-forged-message = Se envió desde otro sitio o desde una página abierta en otro navegador. Vuelva a la aplicación e inicie sesión de nuevo.
portal-load-failed = No se pudieron cargar sus aplicaciones. Vuelva a cargar esta página en un momento.
portal-off-title = El portal no está configurado
portal-off-message = Defina PORTAL_CLIENT_ID para activarlo.
portal-form-forged-message = Abra el portal de nuevo e inténtelo desde allí.
sign-in-unavailable-title = El inicio de sesión no está disponible
sign-in-unavailable-message = No se pudo contactar con el servidor de autorización. Inténtelo de nuevo en un momento.
sign-in-restart = Abra el portal e inicie sesión de nuevo.
sign-in-unverified-title = No se pudo verificar este inicio de sesión
sign-in-expired-title = Este inicio de sesión ha caducado
sign-in-denied-title = No se inició sesión
sign-in-failed-title = Error al iniciar sesión
session-ended-title = Su sesión ha terminado
